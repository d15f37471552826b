-- Legacy chain, step 5: live seminars (attendees, LiveKit sessions, recordings) and the
-- queue of LiveKit webhook jobs.

create table app.seminars (
  id uuid primary key default gen_random_uuid(),
  host_id uuid not null references app.profiles(user_id) on delete cascade,
  title text not null,
  description text,
  status app.seminar_status not null default 'draft',
  scheduled_at timestamptz,
  duration_minutes integer,
  livekit_room text,
  livekit_metadata jsonb,
  recording_url text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_seminars_host on app.seminars (host_id);
create index idx_seminars_status on app.seminars (status);
create index idx_seminars_scheduled_at on app.seminars (scheduled_at);

create table app.seminar_attendees (
  seminar_id uuid not null references app.seminars(id) on delete cascade,
  user_id uuid not null references app.profiles(user_id) on delete cascade,
  role text not null default 'participant',
  joined_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (seminar_id, user_id)
);

create table app.seminar_sessions (
  id uuid primary key default gen_random_uuid(),
  seminar_id uuid not null references app.seminars(id) on delete cascade,
  status app.seminar_session_status not null default 'scheduled',
  scheduled_at timestamptz,
  started_at timestamptz,
  ended_at timestamptz,
  livekit_room text,
  livekit_sid text,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_seminar_sessions_seminar on app.seminar_sessions (seminar_id);

create table app.seminar_recordings (
  id uuid primary key default gen_random_uuid(),
  seminar_id uuid not null references app.seminars(id) on delete cascade,
  session_id uuid references app.seminar_sessions(id) on delete set null,
  asset_url text,
  status text not null default 'processing',
  duration_seconds integer,
  byte_size bigint,
  published boolean not null default false,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_seminar_recordings_seminar on app.seminar_recordings (seminar_id);

create table app.livekit_webhook_jobs (
  job_id uuid primary key default gen_random_uuid(),
  event text not null,
  payload jsonb not null,
  status text not null default 'pending',
  attempts integer not null default 0,
  error text,
  scheduled_at timestamptz not null default now(),
  locked_at timestamptz,
  last_attempted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_livekit_webhook_jobs_status on app.livekit_webhook_jobs (status, scheduled_at);
