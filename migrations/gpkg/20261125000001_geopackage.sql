-- The embedded store is an OGC GeoPackage 1.3 (SQLite): QGIS and GDAL open it as it is. The three core
-- tables below are the standard's (Requirements 10-22); application_id and user_version are set by the
-- store on creation, since PRAGMAs do not belong in a migration transaction.
CREATE TABLE gpkg_spatial_ref_sys (
    srs_name                 TEXT NOT NULL,
    srs_id                   INTEGER NOT NULL PRIMARY KEY,
    organization             TEXT NOT NULL,
    organization_coordsys_id INTEGER NOT NULL,
    definition               TEXT NOT NULL,
    description              TEXT
);

INSERT INTO gpkg_spatial_ref_sys VALUES
    ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
    ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
    ('WGS 84 geodetic', 4326, 'EPSG', 4326,
     'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]',
     'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');

CREATE TABLE gpkg_contents (
    table_name  TEXT NOT NULL PRIMARY KEY,
    data_type   TEXT NOT NULL,
    identifier  TEXT UNIQUE,
    description TEXT DEFAULT '',
    last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    min_x       DOUBLE,
    min_y       DOUBLE,
    max_x       DOUBLE,
    max_y       DOUBLE,
    srs_id      INTEGER,
    CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);

CREATE TABLE gpkg_geometry_columns (
    table_name         TEXT NOT NULL,
    column_name        TEXT NOT NULL,
    geometry_type_name TEXT NOT NULL,
    srs_id             INTEGER NOT NULL,
    z                  TINYINT NOT NULL,
    m                  TINYINT NOT NULL,
    CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
    CONSTRAINT uk_gc_table_name UNIQUE (table_name),
    CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents (table_name),
    CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);

-- Pins: public fields only, a layer any GIS can open. Times are ISO 8601 UTC text, as GeoPackage DATETIME.
CREATE TABLE pins (
    fid         INTEGER PRIMARY KEY AUTOINCREMENT,
    geom        POINT NOT NULL,
    category    TEXT NOT NULL
                CHECK (category IN ('pram', 'wheelchair', 'bicycle', 'limited_mobility', 'low_vision', 'other')),
    status      TEXT NOT NULL DEFAULT 'new'
                CHECK (status IN ('new', 'confirmed', 'in_progress', 'resolved', 'rejected')),
    description TEXT NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL
);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
VALUES ('pins', 'features', 'pins', 'Accessibility problems reported by citizens (public fields)', 4326);
INSERT INTO gpkg_geometry_columns VALUES ('pins', 'geom', 'POINT', 4326, 0, 0);

-- Private contact data: deliberately not registered in gpkg_contents, so no GIS layer or export shows it.
CREATE TABLE pin_contacts (
    pin_id  INTEGER PRIMARY KEY REFERENCES pins (fid) ON DELETE CASCADE,
    contact TEXT NOT NULL CHECK (length(contact) BETWEEN 1 AND 254)
);

CREATE TABLE area_versions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL CHECK (kind IN ('district', 'historic_centre')),
    number      INTEGER NOT NULL CHECK (number > 0),
    label       TEXT NOT NULL,
    source_file TEXT NOT NULL,
    created_at  DATETIME NOT NULL,
    current     INTEGER NOT NULL DEFAULT 0 CHECK (current IN (0, 1)),
    UNIQUE (kind, number)
);
-- At most one current version per kind, enforced by the database.
CREATE UNIQUE INDEX area_versions_one_current ON area_versions (kind) WHERE current = 1;
INSERT INTO gpkg_contents (table_name, data_type, identifier, description)
VALUES ('area_versions', 'attributes', 'area_versions', 'Imports of district and historic-centre files');

CREATE TABLE areas (
    fid        INTEGER PRIMARY KEY AUTOINCREMENT,
    version_id INTEGER NOT NULL REFERENCES area_versions (id),
    name_kk    TEXT,
    name_ru    TEXT,
    name_en    TEXT,
    label      TEXT NOT NULL,
    area_km2   DOUBLE NOT NULL CHECK (area_km2 > 0),
    geom       MULTIPOLYGON NOT NULL
);
CREATE INDEX areas_version ON areas (version_id);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
VALUES ('areas', 'features', 'areas', 'Districts and historic-centre drafts, every version', 4326);
INSERT INTO gpkg_geometry_columns VALUES ('areas', 'geom', 'MULTIPOLYGON', 4326, 0, 0);
