-- 0002_queue_index.sql - the department work queue: open complaints of one
-- department in given states, soonest deadline first. With only
-- (department_id, due_key) and (status, due_key) each arm of the per-status
-- UNION ALL had to look up every row of the other departments (or states)
-- to skip it; this index walks exactly the page.
CREATE INDEX complaints_dept_status_due ON complaints (department_id, status, due_key);
