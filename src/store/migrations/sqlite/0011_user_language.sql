-- 0011_user_language.sql - the user's language, remembered server-side.
--
-- users.locale (0001) already holds it: "zh-CN" or "en", the console's two
-- catalogs, and users now set it themselves (PATCH /api/v1/me). The console
-- loads the catalog the stored value names, so any other value would leave
-- the user with untranslated keys: make every stored value one of the two,
-- and refuse anything else from now on (ALTER TABLE cannot add a CHECK to
-- an existing column; triggers can). A third language means a new catalog
-- and a new migration.
UPDATE users SET locale = 'zh-CN' WHERE locale IS NULL OR locale NOT IN ('zh-CN', 'en');

CREATE TRIGGER users_locale_insert BEFORE INSERT ON users
  WHEN NEW.locale NOT IN ('zh-CN', 'en')
BEGIN
  SELECT RAISE(ABORT, 'locale must be zh-CN or en');
END;

CREATE TRIGGER users_locale_update BEFORE UPDATE OF locale ON users
  WHEN NEW.locale NOT IN ('zh-CN', 'en')
BEGIN
  SELECT RAISE(ABORT, 'locale must be zh-CN or en');
END;
