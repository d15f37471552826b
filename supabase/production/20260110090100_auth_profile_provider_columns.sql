-- PRODUCTION DRIFT (drift item `auth_profile_provider_columns`, confirmed by the db pull):
-- what the backend records of a user's last sign-in and their identity provider.

alter table app.profiles
  add column last_login_at timestamptz,
  add column last_login_provider text,
  add column provider_avatar_url text,
  add column provider_email_verified boolean,
  add column provider_name text,
  add column provider_user_id text;
