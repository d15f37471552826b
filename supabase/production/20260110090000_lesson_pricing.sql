-- PRODUCTION DRIFT (drift item `lesson_pricing`, confirmed by the 2026-01-18 db pull): a
-- price per lesson, for lessons sold on their own (see app.lesson_packages).

alter table app.lessons
  add column price_amount_cents integer not null default 0,
  add column price_currency text not null default 'sek';
