//! Command-line and environment configuration (clap derive). Every option can also come from the
//! environment, so a deployment needs no flags.

use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "qala", version, about = "Accessibility problems of Almaty, pinned to the map.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP service.
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. Port 0 picks a free port; the chosen address is printed on standard output.
    #[arg(long, env = "QALA_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// PostgreSQL URL of the store of record, e.g. postgres://postgres@127.0.0.1:5432/qala. PostGIS must be
    /// installed on that server; the schema is created on start.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Largest number of connections to PostgreSQL.
    #[arg(long, env = "QALA_DB_MAX_CONNECTIONS", default_value_t = 16)]
    pub max_connections: u32,
}
