-- 0008_storage_policies.sql — explicit storage.objects policies per bucket.
--
-- Rebuild plan Option B step 3: legacy had no storage policies (audit notes), so every
-- policy here is NEW. Supabase ships storage.objects with RLS on and no policy; without
-- these the API roles reach no object.
--
-- public-media  (public bucket): anyone reads; a signed-in user writes only under their
--               own folder `<auth.uid()>/…`; service_role everything.
-- course-media, lesson-media (private): readable by users entitled to the object's
--               course (app.can_access_course: its teacher, an active enrollment, an
--               entitlement, a course_entitlement), writable (insert/update/delete) by the
--               course's teacher (app.can_edit_course: courses.created_by) and service_role.
-- Which course an object belongs to is app.storage_object_course_id(bucket_id, name)
-- (0004): the first of the first two path segments that is a course id — or a lesson
-- id, mapped to its course — so uploads use `<course_id>/…` in course-media and
-- `<course_id>/<lesson_id>/…` in lesson-media; objects stored under another layout are
-- found through the app.lesson_media / app.media_objects rows that reference them.
-- An object that maps to no course is reachable by service_role only.
--
-- Each policy is dropped first, so the file can be re-applied over a project whose
-- dashboard holds policies of the same names.

DROP POLICY IF EXISTS public_media_read ON storage.objects;
CREATE POLICY public_media_read ON storage.objects
  FOR SELECT TO public
  USING (bucket_id = 'public-media');

DROP POLICY IF EXISTS public_media_owner_insert ON storage.objects;
CREATE POLICY public_media_owner_insert ON storage.objects
  FOR INSERT TO authenticated
  WITH CHECK (bucket_id = 'public-media'
              AND split_part(name, '/', 1) = (SELECT auth.uid())::text);

DROP POLICY IF EXISTS public_media_owner_update ON storage.objects;
CREATE POLICY public_media_owner_update ON storage.objects
  FOR UPDATE TO authenticated
  USING (bucket_id = 'public-media' AND split_part(name, '/', 1) = (SELECT auth.uid())::text)
  WITH CHECK (bucket_id = 'public-media' AND split_part(name, '/', 1) = (SELECT auth.uid())::text);

DROP POLICY IF EXISTS public_media_owner_delete ON storage.objects;
CREATE POLICY public_media_owner_delete ON storage.objects
  FOR DELETE TO authenticated
  USING (bucket_id = 'public-media' AND split_part(name, '/', 1) = (SELECT auth.uid())::text);

DROP POLICY IF EXISTS course_media_entitled_read ON storage.objects;
CREATE POLICY course_media_entitled_read ON storage.objects
  FOR SELECT TO authenticated
  USING (bucket_id IN ('course-media', 'lesson-media')
         AND app.can_access_course(app.storage_object_course_id(bucket_id, name), (SELECT auth.uid())));

DROP POLICY IF EXISTS course_media_teacher_insert ON storage.objects;
CREATE POLICY course_media_teacher_insert ON storage.objects
  FOR INSERT TO authenticated
  WITH CHECK (bucket_id IN ('course-media', 'lesson-media')
              AND app.can_edit_course(app.storage_object_course_id(bucket_id, name), (SELECT auth.uid())));

DROP POLICY IF EXISTS course_media_teacher_update ON storage.objects;
CREATE POLICY course_media_teacher_update ON storage.objects
  FOR UPDATE TO authenticated
  USING (bucket_id IN ('course-media', 'lesson-media')
         AND app.can_edit_course(app.storage_object_course_id(bucket_id, name), (SELECT auth.uid())))
  WITH CHECK (bucket_id IN ('course-media', 'lesson-media')
              AND app.can_edit_course(app.storage_object_course_id(bucket_id, name), (SELECT auth.uid())));

DROP POLICY IF EXISTS course_media_teacher_delete ON storage.objects;
CREATE POLICY course_media_teacher_delete ON storage.objects
  FOR DELETE TO authenticated
  USING (bucket_id IN ('course-media', 'lesson-media')
         AND app.can_edit_course(app.storage_object_course_id(bucket_id, name), (SELECT auth.uid())));

DROP POLICY IF EXISTS media_service_role_all ON storage.objects;
CREATE POLICY media_service_role_all ON storage.objects
  FOR ALL TO service_role
  USING (bucket_id IN ('public-media', 'course-media', 'lesson-media'))
  WITH CHECK (bucket_id IN ('public-media', 'course-media', 'lesson-media'));

-- storage.buckets has RLS on as well: the three buckets' settings are readable by the API
-- roles (storage clients look a bucket up before an upload); only service_role changes them.
DROP POLICY IF EXISTS app_buckets_read ON storage.buckets;
CREATE POLICY app_buckets_read ON storage.buckets
  FOR SELECT TO public
  USING (id IN ('public-media', 'course-media', 'lesson-media'));
