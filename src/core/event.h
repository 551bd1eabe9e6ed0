/* core/event.h - one entry of a complaint's append-only timeline, and attachments.
 *
 * Nothing on the timeline is ever changed or deleted; corrections are new
 * events. Strings are borrowed from whoever filled the struct.
 */
#ifndef RD_CORE_EVENT_H
#define RD_CORE_EVENT_H

#include <stdint.h>

#include "core/complaint.h"

/* Event types that are not workflow actions (those use rd_action_name()). */
#define RD_EVENT_REGISTERED "registered"
#define RD_EVENT_NOTE       "note"
#define RD_EVENT_EDITED     "edited"
#define RD_EVENT_ATTACHMENT "attachment"

struct rd_event {
  int64_t id;
  int64_t complaint_id;
  int64_t at;
  int64_t actor_id;          /* user id, 0 = the system */
  const char *actor_name;    /* display name, filled on read */
  const char *type;          /* an action name or one of RD_EVENT_* */
  int from_status;           /* enum rd_state, or -1 when no status applies */
  int to_status;             /* enum rd_state, or -1 */
  const char *note;          /* the human text of the event, or NULL */
  const char *data_json;     /* JSON object with the details, or NULL */
};

struct rd_attachment {
  int64_t id;
  int64_t complaint_id;
  char sha256[65];           /* hex digest of the content: the blob's name */
  int64_t size;
  const char *content_type;
  const char *filename;
  int64_t uploaded_by;
  int64_t uploaded_at;
};

#endif
