-- Legacy chain, step 9: the row level security policies. Names, commands and roles are
-- production's (legacy.json); the expressions are reconstructions, since the catalog dump
-- does not carry them: owners and the people a row concerns read and write it, published
-- content is readable by everyone, and the backend's `*_service` / `service_role_full_access`
-- policies (for PUBLIC) admit requests whose JWT role is service_role.

-- app.activities
create policy activities_read on app.activities
  for select
  to authenticated
  using (true);
create policy activities_service on app.activities
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy service_role_full_access on app.activities
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.app_config
create policy service_role_full_access on app.app_config
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.auth_events
create policy auth_events_service on app.auth_events
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy service_role_full_access on app.auth_events
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.billing_logs
create policy billing_logs_service on app.billing_logs
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy service_role_full_access on app.billing_logs
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.certificates
create policy certificates_service on app.certificates
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy service_role_full_access on app.certificates
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.course_bundle_courses
create policy course_bundle_courses_owner on app.course_bundle_courses
  for all
  using (exists (
    select 1 from app.course_bundles b
    where b.id = course_bundle_courses.bundle_id and b.teacher_id = auth.uid()
  ))
  with check (exists (
    select 1 from app.course_bundles b
    where b.id = course_bundle_courses.bundle_id and b.teacher_id = auth.uid()
  ));

-- app.course_bundles
create policy course_bundles_owner_write on app.course_bundles
  for all
  using (teacher_id = auth.uid())
  with check (teacher_id = auth.uid());
create policy course_bundles_public_read on app.course_bundles
  for select
  using (is_active);

-- app.course_display_priorities
create policy course_display_owner on app.course_display_priorities
  for all
  to authenticated
  using (teacher_id = auth.uid())
  with check (teacher_id = auth.uid());
create policy course_display_service on app.course_display_priorities
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy service_role_full_access on app.course_display_priorities
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.course_entitlements
create policy course_entitlements_self_read on app.course_entitlements
  for select
  to authenticated
  using (user_id = auth.uid());
create policy service_role_full_access on app.course_entitlements
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.course_products
create policy course_products_owner on app.course_products
  for all
  to authenticated
  using (exists (
    select 1 from app.courses c
    where c.id = course_products.course_id and c.created_by = auth.uid()
  ))
  with check (exists (
    select 1 from app.courses c
    where c.id = course_products.course_id and c.created_by = auth.uid()
  ));
create policy course_products_service_role on app.course_products
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.course_quizzes
create policy quizzes_service on app.course_quizzes
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy service_role_full_access on app.course_quizzes
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.courses
create policy courses_owner_write on app.courses
  for all
  to authenticated
  using (created_by = auth.uid() or app.is_admin(auth.uid()))
  with check (created_by = auth.uid() or app.is_admin(auth.uid()));
create policy courses_public_read on app.courses
  for select
  using (is_published);
create policy courses_service_role on app.courses
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy service_role_full_access on app.courses
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.enrollments
create policy enrollments_service on app.enrollments
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy enrollments_user on app.enrollments
  for all
  to authenticated
  using (user_id = auth.uid())
  with check (user_id = auth.uid());
create policy service_role_full_access on app.enrollments
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.entitlements
create policy entitlements_service_role on app.entitlements
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy entitlements_student on app.entitlements
  for select
  to authenticated
  using (user_id = auth.uid());
create policy entitlements_teacher on app.entitlements
  for select
  to authenticated
  using (exists (
    select 1 from app.courses c
    where c.id = entitlements.course_id and c.created_by = auth.uid()
  ));

-- app.follows
create policy follows_user on app.follows
  for all
  to authenticated
  using (follower_id = auth.uid() or followee_id = auth.uid())
  with check (follower_id = auth.uid());
create policy service_role_full_access on app.follows
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.guest_claim_tokens
create policy guest_claim_tokens_service_role on app.guest_claim_tokens
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.lesson_media
create policy lesson_media_select on app.lesson_media
  for select
  to authenticated
  using (exists (
    select 1
    from app.lessons l
    join app.modules m on m.id = l.module_id
    join app.courses c on c.id = m.course_id
    where l.id = lesson_media.lesson_id
      and (c.created_by = auth.uid()
           or l.is_intro
           or c.is_free_intro
           or exists (select 1 from app.enrollments e
                      where e.course_id = c.id and e.user_id = auth.uid()))
  ));
create policy lesson_media_service on app.lesson_media
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy lesson_media_write on app.lesson_media
  for all
  to authenticated
  using (exists (
    select 1
    from app.lessons l
    join app.modules m on m.id = l.module_id
    join app.courses c on c.id = m.course_id
    where l.id = lesson_media.lesson_id and c.created_by = auth.uid()
  ))
  with check (exists (
    select 1
    from app.lessons l
    join app.modules m on m.id = l.module_id
    join app.courses c on c.id = m.course_id
    where l.id = lesson_media.lesson_id and c.created_by = auth.uid()
  ));
create policy service_role_full_access on app.lesson_media
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.lessons
create policy lessons_select on app.lessons
  for select
  to authenticated
  using (exists (
    select 1
    from app.modules m
    join app.courses c on c.id = m.course_id
    where m.id = lessons.module_id
      and (c.created_by = auth.uid()
           or c.is_free_intro
           or lessons.is_intro
           or exists (select 1 from app.enrollments e
                      where e.course_id = c.id and e.user_id = auth.uid()))
  ));
create policy lessons_service_role on app.lessons
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy lessons_write on app.lessons
  for all
  to authenticated
  using (exists (
    select 1
    from app.modules m
    join app.courses c on c.id = m.course_id
    where m.id = lessons.module_id and c.created_by = auth.uid()
  ))
  with check (exists (
    select 1
    from app.modules m
    join app.courses c on c.id = m.course_id
    where m.id = lessons.module_id and c.created_by = auth.uid()
  ));
create policy service_role_full_access on app.lessons
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.media_objects
create policy media_owner_rw on app.media_objects
  for all
  to authenticated
  using (owner_id = auth.uid())
  with check (owner_id = auth.uid());
create policy media_service_role on app.media_objects
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy service_role_full_access on app.media_objects
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.meditations
create policy meditations_service on app.meditations
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy service_role_full_access on app.meditations
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.memberships
create policy memberships_self on app.memberships
  for select
  to authenticated
  using (user_id = auth.uid());
create policy memberships_service on app.memberships
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy service_role_full_access on app.memberships
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.messages
create policy messages_user on app.messages
  for all
  to authenticated
  using (sender_id = auth.uid() or recipient_id = auth.uid())
  with check (sender_id = auth.uid());
create policy service_role_full_access on app.messages
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.modules
create policy modules_course_owner on app.modules
  for all
  to authenticated
  using (exists (
    select 1 from app.courses c
    where c.id = modules.course_id and c.created_by = auth.uid()
  ))
  with check (exists (
    select 1 from app.courses c
    where c.id = modules.course_id and c.created_by = auth.uid()
  ));
create policy modules_service_role on app.modules
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy service_role_full_access on app.modules
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.notifications
create policy notifications_user on app.notifications
  for all
  to authenticated
  using (user_id = auth.uid())
  with check (user_id = auth.uid());
create policy service_role_full_access on app.notifications
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.orders
create policy orders_service on app.orders
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy orders_user_read on app.orders
  for select
  to authenticated
  using (user_id = auth.uid());
create policy orders_user_write on app.orders
  for insert
  to authenticated
  with check (user_id = auth.uid());
create policy service_role_full_access on app.orders
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.payment_events
create policy payment_events_service on app.payment_events
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy service_role_full_access on app.payment_events
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.payments
create policy payments_read on app.payments
  for select
  to authenticated
  using (exists (
    select 1 from app.orders o
    where o.id = payments.order_id and o.user_id = auth.uid()
  ));
create policy payments_service on app.payments
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy service_role_full_access on app.payments
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.posts
create policy posts_author on app.posts
  for all
  to authenticated
  using (author_id = auth.uid())
  with check (author_id = auth.uid());
create policy posts_service on app.posts
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy service_role_full_access on app.posts
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.profiles
create policy profiles_self_read on app.profiles
  for select
  using (user_id = auth.uid());
create policy profiles_self_write on app.profiles
  for update
  to authenticated
  using (user_id = auth.uid())
  with check (user_id = auth.uid());
create policy service_role_full_access on app.profiles
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.purchases
create policy purchases_owner_read on app.purchases
  for select
  to authenticated
  using (user_id = auth.uid());
create policy purchases_service_role on app.purchases
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.quiz_questions
create policy quiz_questions_service on app.quiz_questions
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy service_role_full_access on app.quiz_questions
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.refresh_tokens
create policy refresh_tokens_service on app.refresh_tokens
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy service_role_full_access on app.refresh_tokens
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.reviews
create policy reviews_service on app.reviews
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy reviews_user on app.reviews
  for all
  to authenticated
  using (visibility = 'public' or reviewer_id = auth.uid())
  with check (reviewer_id = auth.uid());
create policy service_role_full_access on app.reviews
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.seminar_attendees
create policy attendees_read on app.seminar_attendees
  for select
  to authenticated
  using (user_id = auth.uid() or app.is_seminar_host(seminar_id));
create policy attendees_service on app.seminar_attendees
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy attendees_write on app.seminar_attendees
  for all
  to authenticated
  using (user_id = auth.uid() or app.is_seminar_host(seminar_id))
  with check (user_id = auth.uid() or app.is_seminar_host(seminar_id));
create policy service_role_full_access on app.seminar_attendees
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.seminars
create policy seminars_host_rw on app.seminars
  for all
  to authenticated
  using (host_id = auth.uid())
  with check (host_id = auth.uid());
create policy seminars_public_read on app.seminars
  for select
  using (status in ('scheduled', 'live', 'ended'));
create policy seminars_service on app.seminars
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy service_role_full_access on app.seminars
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.services
create policy service_role_full_access on app.services
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy services_owner_rw on app.services
  for all
  to authenticated
  using (provider_id = auth.uid())
  with check (provider_id = auth.uid());
create policy services_public_read on app.services
  for select
  using (active and status = 'active');
create policy services_service on app.services
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.session_slots
create policy service_role_full_access on app.session_slots
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy session_slots_owner on app.session_slots
  for all
  to authenticated
  using (exists (
    select 1 from app.sessions s
    where s.id = session_slots.session_id and s.teacher_id = auth.uid()
  ))
  with check (exists (
    select 1 from app.sessions s
    where s.id = session_slots.session_id and s.teacher_id = auth.uid()
  ));
create policy session_slots_service on app.session_slots
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.sessions
create policy service_role_full_access on app.sessions
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy sessions_owner on app.sessions
  for all
  to authenticated
  using (teacher_id = auth.uid())
  with check (teacher_id = auth.uid());
create policy sessions_public_read on app.sessions
  for select
  using (visibility = 'published');
create policy sessions_service on app.sessions
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.stripe_customers
create policy service_role_full_access on app.stripe_customers
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy stripe_customers_service on app.stripe_customers
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.tarot_requests
create policy service_role_full_access on app.tarot_requests
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy tarot_service on app.tarot_requests
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.teacher_approvals
create policy service_role_full_access on app.teacher_approvals
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy teacher_approvals_service on app.teacher_approvals
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.teacher_directory
create policy service_role_full_access on app.teacher_directory
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy teacher_directory_service on app.teacher_directory
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.teacher_payout_methods
create policy payout_service on app.teacher_payout_methods
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy payout_teacher on app.teacher_payout_methods
  for all
  to authenticated
  using (teacher_id = auth.uid())
  with check (teacher_id = auth.uid());
create policy service_role_full_access on app.teacher_payout_methods
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.teacher_permissions
create policy service_role_full_access on app.teacher_permissions
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy teacher_meta_service on app.teacher_permissions
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

-- app.teacher_profile_media
create policy service_role_full_access on app.teacher_profile_media
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy tpm_public_read on app.teacher_profile_media
  for select
  using (is_published);
create policy tpm_teacher on app.teacher_profile_media
  for all
  to authenticated
  using (teacher_id = auth.uid())
  with check (teacher_id = auth.uid());

-- app.teachers
create policy service_role_full_access on app.teachers
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy teachers_owner on app.teachers
  for all
  to authenticated
  using (profile_id = auth.uid())
  with check (profile_id = auth.uid());
create policy teachers_service on app.teachers
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
