-- Site settings changed in the newsroom (name, tagline, time zone, default language, logo,
-- navigation, social links, switches): one row per setting, its value as JSON text. Every
-- node reads them from here, so all agree; arabpress.toml still overrides a setting it sets.
CREATE TABLE site_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users (id) ON DELETE SET NULL
);
