-- Lets the expiry sweep find expired rows without scanning the whole namespace.
CREATE INDEX {{index:expiration}} ON {{table}} (expiration) WHERE expiration IS NOT NULL;
