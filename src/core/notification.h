/* core/notification.h - a message to one user: the outbox that the API
 * shows (GET /api/v1/notifications) and later channels (email, webhooks)
 * deliver. */
#ifndef RD_CORE_NOTIFICATION_H
#define RD_CORE_NOTIFICATION_H

#include <stdint.h>

struct rd_notification {
  int64_t id;
  int64_t user_id;
  int64_t complaint_id;        /* 0 = none */
  int64_t step_id;             /* the escalation step that sent it; 0 = none */
  const char *kind;            /* "clock.warning", "clock.breach" */
  const char *data_json;       /* details, a JSON object */
  int64_t created_at;
  int64_t read_at;             /* 0 = unread */
};

#endif
