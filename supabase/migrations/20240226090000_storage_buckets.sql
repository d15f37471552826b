-- Legacy chain, step 10: the storage buckets the app uploads to. public-media is served
-- publicly; course and lesson media are private (signed URLs only). Policies on
-- storage.objects were never part of the legacy chain.

insert into storage.buckets (id, name, public)
values
  ('public-media', 'public-media', true),
  ('course-media', 'course-media', false),
  ('lesson-media', 'lesson-media', false)
on conflict (id) do nothing;
