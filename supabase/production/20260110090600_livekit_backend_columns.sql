-- PRODUCTION DRIFT (confirmed by the db pull): app.livekit_webhook_jobs with the backend's
-- columns. Production dropped the legacy columns and added the backend's at the end
-- (job_id → id, attempts → attempt, error → last_error, last_attempted_at →
-- last_attempt_at), put the queue under RLS, and has a touch function that no trigger
-- uses (trg_livekit_webhook_jobs_touch still calls app.set_updated_at). next_run_at stays
-- NOT NULL and status unconstrained, as in the legacy chain.

alter table app.livekit_webhook_jobs
  drop column job_id,
  drop column attempts,
  drop column error,
  drop column last_attempted_at;
alter table app.livekit_webhook_jobs
  add column attempt integer not null default 0,
  add column id uuid not null default gen_random_uuid(),
  add column last_attempt_at timestamptz,
  add column last_error text;
alter table app.livekit_webhook_jobs
  add constraint livekit_webhook_jobs_pkey primary key (id);

create function app.touch_livekit_webhook_jobs()
returns trigger
language plpgsql
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

alter table app.livekit_webhook_jobs enable row level security;
create policy livekit_jobs_service on app.livekit_webhook_jobs
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy service_role_full_access on app.livekit_webhook_jobs
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
