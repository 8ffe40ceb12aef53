//! Per-address rate limits on anonymous writes (reports, sign-in attempts), so one client cannot flood the
//! city's queue. The generic cell rate algorithm of the `governor` crate, one cell per address; IPv6
//! addresses count per /64, since one household or one attacker holds a whole /64.
//!
//! Staff are not limited (the HTTP layer skips the check for a signed-in caller), and the address is the
//! socket's unless a trusted proxy names the client (see [`crate::edge`]).

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// `count` requests per `period` per address, with bursts of up to `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub count: u32,
    pub period: Duration,
    pub burst: u32,
}

impl Rate {
    /// Parses `N/P` where P is a number of seconds, minutes or hours (`10/10m`, `60/1h`, `5/30s`), or `off`.
    ///
    /// # Errors
    /// What the text should look like.
    pub fn parse(text: &str, burst: u32) -> Result<Option<Rate>, String> {
        if text.trim().eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        let bad =
            || format!("{text:?} is not a rate: write N/P, e.g. 10/10m (N per P seconds, minutes or hours), or off");
        let (count, period) = text.trim().split_once('/').ok_or_else(bad)?;
        let count: u32 = count.trim().parse().map_err(|_| bad())?;
        let period = period.trim();
        let (number, unit) = period.split_at(period.find(|c: char| !c.is_ascii_digit()).unwrap_or(period.len()));
        let number: u64 = if number.is_empty() { 1 } else { number.parse().map_err(|_| bad())? };
        let seconds = match unit {
            "s" => number,
            "m" => number * 60,
            "h" => number * 3600,
            _ => return Err(bad()),
        };
        if count == 0 || seconds == 0 || burst == 0 {
            return Err(format!("{text:?} with a burst of {burst}: every number must be at least 1"));
        }
        Ok(Some(Rate { count, period: Duration::from_secs(seconds), burst }))
    }
}

/// One rate per address; `None` inside means unlimited.
pub struct AddressLimiter {
    limiter: Option<DefaultKeyedRateLimiter<IpAddr>>,
    clock: DefaultClock,
    /// Addresses refused by [`check`](Self::check), until when: a flood from one of them is refused by
    /// [`still_refused`](Self::still_refused) before its body is read, at the cost of one lookup.
    refused: Mutex<HashMap<IpAddr, Instant>>,
}

impl AddressLimiter {
    pub fn new(rate: Option<Rate>) -> Self {
        let limiter = rate.and_then(|r| {
            let every = r.period.checked_div(r.count)?;
            let quota = Quota::with_period(every)?.allow_burst(NonZeroU32::new(r.burst)?);
            Some(RateLimiter::keyed(quota))
        });
        Self { limiter, clock: DefaultClock::default(), refused: Mutex::new(HashMap::new()) }
    }

    /// Counts one request from `addr`: `Ok`, or how long until the address may send again.
    ///
    /// # Errors
    /// The wait, rounded up to whole seconds by the caller for `Retry-After`.
    pub fn check(&self, addr: IpAddr) -> Result<(), Duration> {
        let Some(limiter) = &self.limiter else { return Ok(()) };
        let key = bucket(addr);
        limiter.check_key(&key).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            self.refused.lock().unwrap_or_else(PoisonError::into_inner).insert(key, Instant::now() + wait);
            wait
        })
    }

    /// How long `addr` must still wait, if [`check`](Self::check) refused it and the wait is not over; counts
    /// nothing. For refusing a flood before its request is read: only an address already refused is
    /// refused here, so a report the citizen must correct still does not use up their allowance.
    pub fn still_refused(&self, addr: IpAddr) -> Option<Duration> {
        self.limiter.as_ref()?;
        let key = bucket(addr);
        let mut refused = self.refused.lock().unwrap_or_else(PoisonError::into_inner);
        let until = *refused.get(&key)?;
        match until.checked_duration_since(Instant::now()) {
            Some(wait) if !wait.is_zero() => Some(wait),
            _ => {
                refused.remove(&key);
                None
            }
        }
    }

    /// Forgets addresses whose allowance is full again, so the table holds only recent senders.
    pub fn forget_idle(&self) {
        let now = Instant::now();
        self.refused.lock().unwrap_or_else(PoisonError::into_inner).retain(|_, until| *until > now);
        if let Some(limiter) = &self.limiter {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

/// The key an address is counted under: itself for IPv4 (and IPv4-mapped IPv6), its /64 for IPv6.
fn bucket(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(_) => addr,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_and_refuse_nonsense() {
        assert_eq!(Rate::parse("10/10m", 3), Ok(Some(Rate { count: 10, period: Duration::from_secs(600), burst: 3 })));
        assert_eq!(Rate::parse("60/h", 5).ok().flatten().map(|r| r.period), Some(Duration::from_secs(3600)));
        assert_eq!(Rate::parse("off", 3), Ok(None));
        for bad in ["10", "ten/1m", "10/1d", "0/1m", "10/0s", ""] {
            assert!(Rate::parse(bad, 3).is_err(), "{bad}");
        }
        assert!(Rate::parse("10/1m", 0).is_err());
    }

    #[test]
    fn a_burst_then_a_wait_per_address() {
        let limiter = AddressLimiter::new(Rate::parse("1/1h", 2).ok().flatten());
        let a: IpAddr = "203.0.113.7".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let b: IpAddr = "203.0.113.8".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        assert!(limiter.check(a).is_ok() && limiter.check(a).is_ok());
        let wait = limiter.check(a).err().unwrap_or_default();
        assert!(wait > Duration::from_secs(3000) && wait <= Duration::from_secs(3600), "{wait:?}");
        assert!(limiter.check(b).is_ok(), "another address has its own allowance");
        assert!(AddressLimiter::new(None).check(a).is_ok());
    }

    #[test]
    fn only_a_refused_address_is_refused_early_and_only_until_its_wait_is_over() {
        let limiter = AddressLimiter::new(Some(Rate { count: 1, period: Duration::from_millis(300), burst: 1 }));
        let (a, b) = (IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]));
        assert_eq!(limiter.still_refused(a), None, "nothing counted yet");
        assert!(limiter.check(a).is_ok());
        assert_eq!(limiter.still_refused(a), None, "allowed, not refused");
        let wait = limiter.check(a).err().unwrap_or_default();
        let early = limiter.still_refused(a).unwrap_or_default();
        assert!(early <= wait && !early.is_zero());
        assert_eq!(limiter.still_refused(b), None);
        std::thread::sleep(wait + Duration::from_millis(20));
        assert_eq!(limiter.still_refused(a), None, "the wait is over");
        assert!(limiter.check(a).is_ok());
        assert_eq!(AddressLimiter::new(None).still_refused(a), None);
    }

    #[test]
    fn ipv6_counts_per_64() {
        let one: IpAddr = "2001:db8:1:2::1".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let two: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        assert_eq!(bucket(one), bucket(two));
        assert_ne!(bucket(one), bucket(other));
        let mapped: IpAddr = "::ffff:198.51.100.4".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        assert_eq!(bucket(mapped), IpAddr::from([198, 51, 100, 4]));
    }
}
