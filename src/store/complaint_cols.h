/* store/complaint_cols.h - the columns of struct rd_complaint, one table
 * for every backend: X(column, kind, member). Each backend expands it into
 * its INSERT, UPDATE and SELECT texts, binds and reads, so a column cannot
 * be missed by one statement or one backend. Kinds: I integer, ID id or
 * instant (0 <-> NULL), T text, B boolean, CH channel name, VAL validity
 * name, PK plan kind name (NULL without a plan). FIXED columns are written
 * once, at insert. Only src/store/ includes this header.
 */
#ifndef RD_STORE_COMPLAINT_COLS_H
#define RD_STORE_COMPLAINT_COLS_H

#define RD_COMPLAINT_COLS_FIXED(X)                                      \
  X(number,                   T,   number)                              \
  X(registered_at,            I,   registered_at)                       \
  X(registered_by,            ID,  registered_by)

#define RD_COMPLAINT_COLS_MUTABLE(X)                                    \
  X(status,                   I,   status)                              \
  X(channel,                  CH,  channel)                             \
  X(external_ref,             T,   external_ref)                        \
  X(received_at,              I,   received_at)                         \
  X(customer_id,              ID,  customer.id)                         \
  X(subject,                  T,   subject)                             \
  X(content,                  T,   content)                             \
  X(demands,                  T,   demands)                             \
  X(restatement,              T,   restatement)                         \
  X(restatement_confirmed,    B,   restatement_confirmed)               \
  X(confirmed_at,             ID,  confirmed_at)                        \
  X(anger,                    I,   anger)                               \
  X(validity,                 VAL, validity)                            \
  X(invalid_reason,           T,   invalid_reason)                      \
  X(transfer_to_party,        T,   transfer.to_party)                   \
  X(transfer_contact_person,  T,   transfer.contact_person)             \
  X(transfer_contact_phone,   T,   transfer.contact_phone)              \
  X(transfer_contact_address, T,   transfer.contact_address)            \
  X(category_id,              ID,  category_id)                         \
  X(severity,                 I,   severity)                            \
  X(site_id,                  ID,  site_id)                             \
  X(department_id,            ID,  department_id)                       \
  X(assignee_id,              ID,  assignee_id)                         \
  X(plan_present,             B,   plan.present)                        \
  X(plan_kind,                PK,  plan.kind)                           \
  X(plan_description,         T,   plan.description)                    \
  X(plan_has_amount,          B,   plan.has_amount)                     \
  X(plan_amount_fen,          I,   plan.amount_fen)                     \
  X(plan_needs_approval,      B,   plan.needs_approval)                 \
  X(reopen_count,             I,   reopen_count)                        \
  X(followup_attempts,        I,   followup_attempts)                   \
  X(satisfaction_score,       I,   satisfaction_score)                  \
  X(satisfied,                I,   satisfied)                           \
  X(waiting_since,            ID,  waiting_since)                       \
  X(waiting_reason,           T,   waiting_reason)                      \
  X(merged_into,              ID,  merged_into)                         \
  X(close_reason,             T,   close_reason)                        \
  X(tags_json,                T,   tags_json)                           \
  X(first_contact_at,         ID,  first_contact_at)                    \
  X(resolved_at,              ID,  resolved_at)                         \
  X(closed_at,                ID,  closed_at)                           \
  X(due_at,                   ID,  due_at)

#endif
