-- Legacy chain, step 7: helper functions (admin check, seminar access), the triggers
-- that keep updated_at current, and the read views for the activity feed and for
-- service orders and reviews. All functions run with the caller's rights.

create or replace function app.set_updated_at()
returns trigger
language plpgsql
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

create or replace function app.touch_course_display_priorities()
returns trigger
language plpgsql
as $$
begin
  new.updated_at := now();
  new.updated_by := coalesce(auth.uid(), new.updated_by);
  return new;
end;
$$;

create or replace function app.touch_course_entitlements()
returns trigger
language plpgsql
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

create or replace function app.touch_teacher_profile_media()
returns trigger
language plpgsql
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

create or replace function app.is_admin(p_user uuid)
returns boolean
language sql
stable
as $$
  select exists (
    select 1
    from app.profiles p
    where p.user_id = p_user
      and (p.is_admin or p.role = 'admin')
  );
$$;

create or replace function app.is_seminar_host(p_seminar_id uuid, p_user_id uuid)
returns boolean
language sql
stable
as $$
  select exists (
    select 1 from app.seminars s
    where s.id = p_seminar_id and s.host_id = p_user_id
  );
$$;

create or replace function app.is_seminar_host(p_seminar_id uuid)
returns boolean
language sql
stable
as $$
  select app.is_seminar_host(p_seminar_id, auth.uid());
$$;

create or replace function app.is_seminar_attendee(p_seminar_id uuid, p_user_id uuid)
returns boolean
language sql
stable
as $$
  select exists (
    select 1 from app.seminar_attendees a
    where a.seminar_id = p_seminar_id
      and a.user_id = p_user_id
      and a.invite_status <> 'declined'
  );
$$;

create or replace function app.is_seminar_attendee(p_seminar_id uuid)
returns boolean
language sql
stable
as $$
  select app.is_seminar_attendee(p_seminar_id, auth.uid());
$$;

create or replace function app.can_access_seminar(p_seminar_id uuid, p_user_id uuid)
returns boolean
language sql
stable
as $$
  select p_user_id is not null
     and (app.is_seminar_host(p_seminar_id, p_user_id)
          or app.is_seminar_attendee(p_seminar_id, p_user_id)
          or app.is_admin(p_user_id));
$$;

create or replace function app.can_access_seminar(p_seminar_id uuid)
returns boolean
language sql
stable
as $$
  select app.can_access_seminar(p_seminar_id, auth.uid());
$$;

grant execute on all functions in schema app to anon, authenticated, service_role;

create trigger trg_course_display_priorities_touch
  before update on app.course_display_priorities
  for each row execute function app.touch_course_display_priorities();

create trigger trg_course_entitlements_touch
  before update on app.course_entitlements
  for each row execute function app.touch_course_entitlements();

create trigger trg_course_products_updated
  before update on app.course_products
  for each row execute function app.set_updated_at();

create trigger trg_courses_touch
  before update on app.courses
  for each row execute function app.set_updated_at();

create trigger trg_lessons_touch
  before update on app.lessons
  for each row execute function app.set_updated_at();

create trigger trg_livekit_webhook_jobs_touch
  before update on app.livekit_webhook_jobs
  for each row execute function app.set_updated_at();

create trigger trg_modules_touch
  before update on app.modules
  for each row execute function app.set_updated_at();

create trigger trg_orders_touch
  before update on app.orders
  for each row execute function app.set_updated_at();

create trigger trg_payments_touch
  before update on app.payments
  for each row execute function app.set_updated_at();

create trigger trg_profiles_touch
  before update on app.profiles
  for each row execute function app.set_updated_at();

create trigger trg_seminar_recordings_touch
  before update on app.seminar_recordings
  for each row execute function app.set_updated_at();

create trigger trg_seminar_sessions_touch
  before update on app.seminar_sessions
  for each row execute function app.set_updated_at();

create trigger trg_seminars_touch
  before update on app.seminars
  for each row execute function app.set_updated_at();

create trigger trg_services_touch
  before update on app.services
  for each row execute function app.set_updated_at();

create trigger trg_session_slots_touch
  before update on app.session_slots
  for each row execute function app.set_updated_at();

create trigger trg_sessions_touch
  before update on app.sessions
  for each row execute function app.set_updated_at();

create trigger trg_teacher_approvals_touch
  before update on app.teacher_approvals
  for each row execute function app.set_updated_at();

create trigger trg_teacher_payout_methods_touch
  before update on app.teacher_payout_methods
  for each row execute function app.set_updated_at();

create trigger trg_teacher_profile_media_touch
  before update on app.teacher_profile_media
  for each row execute function app.touch_teacher_profile_media();

create trigger trg_teachers_touch
  before update on app.teachers
  for each row execute function app.set_updated_at();

create view app.activities_feed
with (security_invoker = true)
as
select
  a.id,
  a.activity_type,
  a.actor_id,
  p.display_name as actor_display_name,
  p.photo_url as actor_photo_url,
  a.subject_table,
  a.subject_id,
  a.summary,
  a.metadata,
  a.occurred_at
from app.activities a
left join app.profiles p on p.user_id = a.actor_id;

create view app.service_orders
with (security_invoker = true)
as
select
  o.id,
  o.user_id as buyer_id,
  o.service_id,
  s.provider_id,
  s.title as service_title,
  o.amount_cents,
  o.currency,
  o.status,
  o.stripe_checkout_id,
  o.stripe_payment_intent,
  o.created_at,
  o.updated_at
from app.orders o
join app.services s on s.id = o.service_id;

create view app.service_reviews
with (security_invoker = true)
as
select
  r.id,
  r.service_id,
  s.provider_id,
  s.title as service_title,
  r.order_id,
  r.reviewer_id,
  r.rating,
  r.comment,
  r.created_at
from app.reviews r
join app.services s on s.id = r.service_id
where r.visibility = 'public';
