-- Legacy chain, step 4: the community side (activity log, follows, posts, messages,
-- notifications) and the app's own auth event log and refresh tokens.

create table app.activities (
  id uuid primary key default gen_random_uuid(),
  activity_type app.activity_kind not null,
  actor_id uuid references app.profiles(user_id) on delete set null,
  subject_table text not null,
  subject_id uuid,
  summary text,
  metadata jsonb not null default '{}'::jsonb,
  occurred_at timestamptz not null default now(),
  created_at timestamptz not null default now()
);
create index idx_activities_type on app.activities (activity_type);
create index idx_activities_subject on app.activities (subject_table, subject_id);
create index idx_activities_occurred on app.activities (occurred_at desc);

create table app.follows (
  follower_id uuid not null references app.profiles(user_id) on delete cascade,
  followee_id uuid not null references app.profiles(user_id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (follower_id, followee_id)
);

create table app.posts (
  id uuid primary key default gen_random_uuid(),
  author_id uuid not null references app.profiles(user_id) on delete cascade,
  content text not null,
  media_paths jsonb not null default '[]'::jsonb,
  created_at timestamptz not null default now()
);
create index idx_posts_author on app.posts (author_id);

create table app.messages (
  id uuid primary key default gen_random_uuid(),
  channel text,
  sender_id uuid references app.profiles(user_id) on delete set null,
  recipient_id uuid references app.profiles(user_id) on delete set null,
  content text,
  created_at timestamptz not null default now()
);
create index idx_messages_recipient on app.messages (recipient_id);
create index idx_messages_channel on app.messages (channel);

create table app.notifications (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app.profiles(user_id) on delete cascade,
  payload jsonb not null default '{}'::jsonb,
  read_at timestamptz,
  created_at timestamptz not null default now()
);
create index idx_notifications_user on app.notifications (user_id);
create index idx_notifications_read on app.notifications (user_id, read_at);

create table app.auth_events (
  id uuid primary key default gen_random_uuid(),
  user_id uuid references app.profiles(user_id) on delete cascade,
  email text,
  event text not null,
  ip_address inet,
  user_agent text,
  metadata jsonb,
  created_at timestamptz not null default now()
);
create index idx_auth_events_user on app.auth_events (user_id);
create index idx_auth_events_created_at on app.auth_events (created_at desc);

create table app.refresh_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app.profiles(user_id) on delete cascade,
  jti uuid not null unique,
  token_hash text not null,
  issued_at timestamptz not null default now(),
  expires_at timestamptz not null,
  rotated_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz
);
create index idx_refresh_tokens_user on app.refresh_tokens (user_id);
