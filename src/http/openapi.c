/* http/openapi.c - the OpenAPI 3.1 document, built from the route table.
 *
 * Paths, methods, parameters, bodies and security come from routes.c, so the
 * document cannot drift from what is served; the record schemas below follow
 * the shapes json_in.c reads and json_out.c writes.
 */
#include "http/openapi.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/action.h"
#include "http/routes.h"
#include "util/mem.h"

/* Record shapes (components/schemas). Kept as JSON text: it reads like the
 * brief's examples and is parsed once at start. */
static const char schemas_json[] =
  "{"
  "\"Problem\":{\"type\":\"object\",\"required\":[\"type\",\"title\",\"status\",\"detail\",\"errors\"],"
  " \"properties\":{\"type\":{\"type\":\"string\",\"format\":\"uri\"},\"title\":{\"type\":\"string\"},"
  "  \"status\":{\"type\":\"integer\"},\"detail\":{\"type\":\"string\"},"
  "  \"errors\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
  "   \"field\":{\"type\":\"string\"},\"message\":{\"type\":\"string\"}}}}}},"
  "\"Health\":{\"type\":\"object\",\"properties\":{\"status\":{\"const\":\"ok\"}}},"
  "\"Version\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"version\":{\"type\":\"string\"}}},"
  "\"Binary\":{\"type\":\"string\",\"contentMediaType\":\"application/octet-stream\"},"
  "\"Customer\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":[\"integer\",\"null\"]},"
  " \"name\":{\"type\":[\"string\",\"null\"]},\"phone\":{\"type\":[\"string\",\"null\"]},"
  " \"email\":{\"type\":[\"string\",\"null\"]},\"refs\":{\"type\":[\"object\",\"null\"]}}},"
  "\"Clock\":{\"type\":\"object\",\"description\":\"the latest run of one SLA clock; times in its calendar's offset\","
  " \"properties\":{\"name\":{\"type\":\"string\"},\"run\":{\"type\":\"integer\"},"
  " \"state\":{\"enum\":[\"running\",\"paused\",\"met\",\"breached\",\"cancelled\"]},"
  " \"started_at\":{\"type\":\"string\",\"format\":\"date-time\"},"
  " \"due_at\":{\"type\":\"string\",\"format\":\"date-time\"},"
  " \"opens_at\":{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"},"
  " \"warn_at\":{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"},"
  " \"stopped_at\":{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"},"
  " \"remaining_working_seconds\":{\"type\":[\"integer\",\"null\"],\"description\":\"negative when late; null once stopped\"},"
  " \"policy_id\":{\"type\":[\"integer\",\"null\"]},\"calendar_id\":{\"type\":[\"integer\",\"null\"]},"
  " \"department_id\":{\"type\":[\"integer\",\"null\"]}}},"
  "\"Complaint\":{\"type\":\"object\",\"properties\":{"
  " \"id\":{\"type\":\"integer\"},\"number\":{\"type\":\"string\",\"examples\":[\"TS20261120-000001\"]},"
  " \"version\":{\"type\":\"integer\"},"
  " \"status\":{\"enum\":[\"registered\",\"assigned\",\"in_progress\",\"pending_approval\",\"executing\","
  "  \"resolved\",\"transferred\",\"closed\",\"withdrawn\",\"merged\"]},"
  " \"channel\":{\"enum\":[\"phone\",\"walk_in\",\"web\",\"email\",\"letter\",\"social\",\"regulator\",\"internal\",\"api\"]},"
  " \"external_ref\":{\"type\":[\"string\",\"null\"]},"
  " \"received_at\":{\"type\":\"string\",\"format\":\"date-time\"},"
  " \"registered_at\":{\"type\":\"string\",\"format\":\"date-time\"},"
  " \"registered_by\":{\"type\":[\"integer\",\"null\"]},"
  " \"customer\":{\"$ref\":\"#/components/schemas/Customer\"},"
  " \"subject\":{\"type\":[\"string\",\"null\"]},\"content\":{\"type\":\"string\"},"
  " \"demands\":{\"type\":[\"string\",\"null\"]},\"restatement\":{\"type\":[\"string\",\"null\"]},"
  " \"restatement_confirmed\":{\"type\":\"boolean\"},"
  " \"confirmed_at\":{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"},"
  " \"anger\":{\"type\":[\"integer\",\"null\"],\"minimum\":1,\"maximum\":5},"
  " \"validity\":{\"enum\":[\"unknown\",\"valid\",\"invalid\"]},"
  " \"invalid_reason\":{\"type\":[\"string\",\"null\"]},"
  " \"transfer\":{\"oneOf\":[{\"type\":\"null\"},{\"$ref\":\"#/components/schemas/TransferSlip\"}]},"
  " \"category_id\":{\"type\":[\"integer\",\"null\"]},"
  " \"severity\":{\"type\":[\"integer\",\"null\"],\"minimum\":1,\"maximum\":5},"
  " \"site_id\":{\"type\":[\"integer\",\"null\"]},\"department_id\":{\"type\":[\"integer\",\"null\"]},"
  " \"assignee_id\":{\"type\":[\"integer\",\"null\"]},"
  " \"plan\":{\"type\":[\"object\",\"null\"],\"properties\":{\"kind\":{\"type\":\"string\"},"
  "  \"description\":{\"type\":\"string\"},\"amount\":{\"type\":[\"number\",\"null\"]},"
  "  \"needs_approval\":{\"type\":\"boolean\"}}},"
  " \"reopen_count\":{\"type\":\"integer\"},\"followup_attempts\":{\"type\":\"integer\"},"
  " \"satisfaction\":{\"type\":[\"object\",\"null\"],\"properties\":{"
  "  \"score\":{\"type\":[\"integer\",\"null\"]},\"satisfied\":{\"type\":\"boolean\"}}},"
  " \"merged_into\":{\"type\":[\"integer\",\"null\"]},\"close_reason\":{\"type\":[\"string\",\"null\"]},"
  " \"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
  " \"first_contact_at\":{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"},"
  " \"resolved_at\":{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"},"
  " \"closed_at\":{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"},"
  " \"updated_at\":{\"type\":\"string\",\"format\":\"date-time\"},"
  " \"due_at\":{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"},"
  " \"clocks\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Clock\"}},"
  " \"waiting\":{\"type\":[\"object\",\"null\"],\"description\":\"waiting for the customer: since, reason\"},"
  " \"allowed_actions\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
  " \"pii_masked\":{\"type\":\"boolean\"},"
  " \"anonymised_at\":{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"}}},"
  "\"TransferSlip\":{\"type\":\"object\",\"properties\":{\"to_party\":{\"type\":\"string\"},"
  " \"contact_person\":{\"type\":\"string\"},\"contact_phone\":{\"type\":\"string\"},"
  " \"contact_address\":{\"type\":\"string\"}}},"
  "\"ComplaintCreate\":{\"type\":\"object\",\"required\":[\"channel\",\"content\"],\"properties\":{"
  " \"channel\":{\"type\":\"string\"},\"received_at\":{\"type\":\"string\",\"format\":\"date-time\"},"
  " \"customer\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
  "  \"phone\":{\"type\":\"string\"},\"email\":{\"type\":[\"string\",\"null\"]},\"refs\":{\"type\":[\"object\",\"null\"]}}},"
  " \"subject\":{\"type\":\"string\"},\"content\":{\"type\":\"string\"},\"demands\":{\"type\":\"string\"},"
  " \"restatement\":{\"type\":\"string\"},\"site_id\":{\"type\":\"integer\"},\"category_id\":{\"type\":\"integer\"},"
  " \"severity\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":5},\"anger\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":5},"
  " \"external_ref\":{\"type\":[\"string\",\"null\"]},\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}},"
  "\"ComplaintPatch\":{\"type\":\"object\",\"properties\":{\"version\":{\"type\":\"integer\"},"
  " \"subject\":{\"type\":[\"string\",\"null\"]},\"demands\":{\"type\":[\"string\",\"null\"]},"
  " \"restatement\":{\"type\":[\"string\",\"null\"]},\"restatement_confirmed\":{\"type\":\"boolean\"},"
  " \"anger\":{\"type\":[\"integer\",\"null\"]},\"category_id\":{\"type\":[\"integer\",\"null\"]},"
  " \"severity\":{\"type\":[\"integer\",\"null\"]},\"site_id\":{\"type\":[\"integer\",\"null\"]},"
  " \"external_ref\":{\"type\":[\"string\",\"null\"]},\"tags\":{\"type\":[\"array\",\"null\"]},"
  " \"received_at\":{\"type\":\"string\",\"format\":\"date-time\"},"
  " \"customer\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":[\"string\",\"null\"]},"
  "  \"email\":{\"type\":[\"string\",\"null\"]},\"refs\":{\"type\":[\"object\",\"null\"]}}}}},"
  "\"Action\":{\"type\":\"object\",\"description\":\"Fields by action: see API.md.\",\"properties\":{"
  " \"version\":{\"type\":\"integer\"},\"valid\":{\"type\":\"boolean\"},\"category_id\":{\"type\":\"integer\"},"
  " \"severity\":{\"type\":\"integer\"},\"department_id\":{\"type\":\"integer\"},\"assignee_id\":{\"type\":\"integer\"},"
  " \"reason\":{\"type\":\"string\"},\"transfer\":{\"$ref\":\"#/components/schemas/TransferSlip\"},"
  " \"note\":{\"type\":\"string\"},\"method\":{\"enum\":[\"phone\",\"visit\",\"email\",\"survey\"],\"description\":\"survey: follow_up only, the customer's answer on the portal\"},"
  " \"kind\":{\"enum\":[\"apology\",\"explanation\",\"refund\",\"redelivery\",\"repair\",\"replacement\",\"compensation\",\"other\"]},"
  " \"description\":{\"type\":\"string\"},\"amount\":{\"type\":\"number\",\"description\":\"yuan, at most 2 decimals\"},"
  " \"result\":{\"type\":\"string\"},\"reached\":{\"type\":\"boolean\"},\"satisfied\":{\"type\":\"boolean\"},"
  " \"score\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":5},\"comment\":{\"type\":\"string\"},"
  " \"into\":{\"type\":[\"string\",\"integer\"]}}},"
  "\"Note\":{\"type\":\"object\",\"required\":[\"note\"],\"properties\":{\"note\":{\"type\":\"string\"}}},"
  "\"Event\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"complaint_id\":{\"type\":\"integer\"},"
  " \"at\":{\"type\":\"string\",\"format\":\"date-time\"},"
  " \"actor\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":[\"integer\",\"null\"]},\"name\":{\"type\":[\"string\",\"null\"]}}},"
  " \"type\":{\"type\":\"string\"},\"from_status\":{\"type\":[\"string\",\"null\"]},"
  " \"to_status\":{\"type\":[\"string\",\"null\"]},\"note\":{\"type\":[\"string\",\"null\"]},"
  " \"data\":{\"type\":[\"object\",\"null\"]}}},"
  "\"Attachment\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"complaint_id\":{\"type\":\"integer\"},"
  " \"filename\":{\"type\":\"string\"},\"content_type\":{\"type\":\"string\"},\"size\":{\"type\":\"integer\"},"
  " \"sha256\":{\"type\":\"string\"},\"uploaded_by\":{\"type\":[\"integer\",\"null\"]},"
  " \"uploaded_at\":{\"type\":\"string\",\"format\":\"date-time\"},\"content_url\":{\"type\":\"string\"}}},"
  "\"CustomerLookup\":{\"type\":\"object\",\"properties\":{\"customer\":{\"$ref\":\"#/components/schemas/Customer\"},"
  " \"complaints\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Complaint\"}}}},"
  "\"Department\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\",\"readOnly\":true},"
  " \"code\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"},\"active\":{\"type\":\"boolean\"}}},"
  "\"Site\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\",\"readOnly\":true},"
  " \"code\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"},\"calendar_id\":{\"type\":[\"integer\",\"null\"]},"
  " \"active\":{\"type\":\"boolean\"}}},"
  "\"Category\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\",\"readOnly\":true},"
  " \"parent_id\":{\"type\":[\"integer\",\"null\"]},\"level\":{\"type\":\"integer\",\"readOnly\":true},"
  " \"name\":{\"type\":\"string\"},\"active\":{\"type\":\"boolean\"}}},"
  "\"User\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"username\":{\"type\":\"string\"},"
  " \"display_name\":{\"type\":\"string\"},"
  " \"role\":{\"enum\":[\"agent\",\"handler\",\"manager\",\"approver\",\"analyst\",\"admin\",\"auditor\"]},"
  " \"department_id\":{\"type\":[\"integer\",\"null\"]},\"locale\":{\"type\":\"string\"},\"active\":{\"type\":\"boolean\"}}},"
  "\"UserWrite\":{\"allOf\":[{\"$ref\":\"#/components/schemas/User\"},"
  " {\"type\":\"object\",\"properties\":{\"password\":{\"type\":\"string\",\"writeOnly\":true}}}]},"
  "\"ExtensionRequest\":{\"type\":\"object\",\"required\":[\"target\",\"reason\"],\"properties\":{"
  " \"target\":{\"type\":\"string\",\"example\":\"30cd\"},\"reason\":{\"type\":\"string\"}}},"
  "\"ExtensionDecision\":{\"type\":\"object\",\"properties\":{\"note\":{\"type\":\"string\"},"
  " \"reason\":{\"type\":\"string\",\"description\":\"required to refuse\"}}},"
  "\"Extension\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},"
  " \"complaint_id\":{\"type\":\"integer\"},\"clock\":{\"type\":\"string\"},\"run\":{\"type\":\"integer\"},"
  " \"target\":{\"type\":\"string\"},\"reason\":{\"type\":\"string\"},"
  " \"state\":{\"enum\":[\"requested\",\"granted\",\"refused\"]},"
  " \"requested_by\":{\"type\":[\"integer\",\"null\"]},\"requested_at\":{\"type\":\"string\",\"format\":\"date-time\"},"
  " \"decided_by\":{\"type\":[\"integer\",\"null\"]},\"decided_at\":{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"},"
  " \"note\":{\"type\":[\"string\",\"null\"]},"
  " \"due_before\":{\"type\":\"string\",\"format\":\"date-time\"},"
  " \"due_after\":{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"}}},"
  "\"AuditEntry\":{\"type\":\"object\",\"properties\":{\"seq\":{\"type\":\"integer\"},"
  " \"at\":{\"type\":\"string\",\"format\":\"date-time\"},"
  " \"actor\":{\"enum\":[\"user\",\"customer\",\"system\"]},"
  " \"user_id\":{\"type\":[\"integer\",\"null\"]},\"client_addr\":{\"type\":[\"string\",\"null\"]},"
  " \"action\":{\"type\":\"string\",\"example\":\"complaint.action.approve\"},"
  " \"object_kind\":{\"type\":[\"string\",\"null\"]},\"object_id\":{\"type\":[\"integer\",\"null\"]},"
  " \"detail\":{\"type\":\"object\",\"description\":\"what changed: field names, states, ids; never personal values\"},"
  " \"prev_hash\":{\"type\":\"string\"},\"hash\":{\"type\":\"string\"}}},"
  "\"Notification\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},"
  " \"kind\":{\"enum\":[\"clock.warning\",\"clock.breach\"]},\"complaint_id\":{\"type\":[\"integer\",\"null\"]},"
  " \"data\":{\"type\":[\"object\",\"null\"],\"description\":\"number, clock, run, due_at, notify, step, notified\"},"
  " \"created_at\":{\"type\":\"string\",\"format\":\"date-time\"},"
  " \"read_at\":{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"}}},"
  "\"Calendar\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\",\"readOnly\":true},"
  " \"name\":{\"type\":\"string\"},\"timezone\":{\"type\":\"string\",\"description\":\"IANA zone\"},"
  " \"week\":{\"type\":\"object\",\"description\":\"mon ... sun: lists of [\\\"HH:MM\\\", \\\"HH:MM\\\"]\","
  "  \"additionalProperties\":{\"type\":\"array\",\"items\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}},"
  " \"holidays\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"format\":\"date\"}},"
  " \"workdays\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"format\":\"date\"}},"
  " \"workday_hours\":{\"type\":\"array\",\"items\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}},"
  " \"working_day_minutes\":{\"type\":\"integer\",\"readOnly\":true},"
  " \"version\":{\"type\":\"integer\",\"readOnly\":true}}},"
  "\"DueRequest\":{\"type\":\"object\",\"required\":[\"from\",\"target\"],\"properties\":{"
  " \"from\":{\"type\":\"string\",\"format\":\"date-time\"},\"target\":{\"type\":\"string\",\"example\":\"30m\"}}},"
  "\"DueAnswer\":{\"type\":\"object\",\"properties\":{\"due_at\":{\"type\":\"string\",\"format\":\"date-time\"}}},"
  "\"ElapsedRequest\":{\"type\":\"object\",\"required\":[\"from\",\"to\"],\"properties\":{"
  " \"from\":{\"type\":\"string\",\"format\":\"date-time\"},\"to\":{\"type\":\"string\",\"format\":\"date-time\"}}},"
  "\"ElapsedAnswer\":{\"type\":\"object\",\"properties\":{\"working_seconds\":{\"type\":\"integer\"}}},"
  "\"SlaPolicy\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\",\"readOnly\":true},"
  " \"name\":{\"type\":\"string\"},\"priority\":{\"type\":\"integer\"},"
  " \"match\":{\"type\":\"object\",\"description\":\"each field a scalar, an array or null (any)\"},"
  " \"calendar_id\":{\"type\":[\"integer\",\"null\"]},"
  " \"approval\":{\"type\":\"object\",\"properties\":{\"always\":{\"type\":\"boolean\"},"
  "  \"severity_at_least\":{\"type\":[\"integer\",\"null\"]},\"amount_over\":{\"type\":[\"number\",\"null\"]}}},"
  " \"clocks\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}}}},"
  "\"Login\":{\"type\":\"object\",\"required\":[\"username\",\"password\"],\"properties\":{"
  " \"username\":{\"type\":\"string\"},\"password\":{\"type\":\"string\"}}},"
  "\"LoginResult\":{\"type\":\"object\",\"properties\":{\"user\":{\"$ref\":\"#/components/schemas/User\"},"
  " \"csrf_token\":{\"type\":\"string\"},\"expires_at\":{\"type\":\"string\",\"format\":\"date-time\"}}},"
  "\"Me\":{\"type\":\"object\",\"properties\":{\"user\":{\"$ref\":\"#/components/schemas/User\"},"
  " \"role\":{\"type\":\"string\"},\"department\":{\"oneOf\":[{\"type\":\"null\"},{\"$ref\":\"#/components/schemas/Department\"}]},"
  " \"language\":{\"type\":\"string\",\"enum\":[\"zh-CN\",\"en\"],\"description\":\"the console's language, chosen by the user (user.locale)\"},"
  " \"now\":{\"type\":\"string\",\"format\":\"date-time\",\"description\":\"the server's clock, in the display time zone\"},"
  " \"csrf_token\":{\"type\":[\"string\",\"null\"]}}},"
  "\"MePatch\":{\"type\":\"object\",\"required\":[\"language\"],\"properties\":{"
  " \"language\":{\"type\":\"string\",\"enum\":[\"zh-CN\",\"en\"]}}},"
  "\"PasswordChange\":{\"type\":\"object\",\"required\":[\"current_password\",\"new_password\"],\"properties\":{"
  " \"current_password\":{\"type\":\"string\"},"
  " \"new_password\":{\"type\":\"string\",\"minLength\":10,\"maxLength\":1024}}},"
  "\"TokenCreate\":{\"type\":\"object\",\"required\":[\"name\"],\"properties\":{\"name\":{\"type\":\"string\"},"
  " \"user_id\":{\"type\":\"integer\"}}},"
  "\"Token\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"user_id\":{\"type\":\"integer\"},"
  " \"name\":{\"type\":\"string\"},\"created_at\":{\"type\":\"string\",\"format\":\"date-time\"},"
  " \"expires_at\":{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"},\"revoked\":{\"type\":\"boolean\"}}},"
  "\"TokenCreated\":{\"allOf\":[{\"$ref\":\"#/components/schemas/Token\"},"
  " {\"type\":\"object\",\"properties\":{\"token\":{\"type\":\"string\",\"description\":\"the secret, shown once\"}}}]},"
  "\"Report\":{\"type\":\"object\",\"properties\":{\"group_by\":{\"type\":\"string\"},"
  " \"from\":{\"type\":[\"string\",\"null\"]},\"to\":{\"type\":[\"string\",\"null\"]},"
  " \"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
  "  \"key\":{\"type\":\"string\"},\"label\":{\"type\":\"string\"},\"total\":{\"type\":\"integer\"},"
  "  \"open\":{\"type\":\"integer\"},\"closed\":{\"type\":\"integer\"},\"resolved\":{\"type\":\"integer\"},"
  "  \"followed_up\":{\"type\":\"integer\"},\"satisfied\":{\"type\":\"integer\"},"
  "  \"satisfaction_rate\":{\"type\":[\"number\",\"null\"]},\"reopened\":{\"type\":\"integer\"},"
  "  \"handling_median_s\":{\"type\":[\"number\",\"null\"]},\"handling_p90_s\":{\"type\":[\"number\",\"null\"]},"
  "  \"clocks\":{\"type\":\"object\",\"description\":\"per clock name: runs met and breached, on_time_rate; by department, where each run was due\","
  "   \"additionalProperties\":{\"type\":\"object\",\"properties\":{\"met\":{\"type\":\"integer\"},"
  "   \"breached\":{\"type\":\"integer\"},\"on_time_rate\":{\"type\":[\"number\",\"null\"]}}}}}}}}}"
  ",\"PortalComplaintCreate\":{\"type\":\"object\",\"required\":[\"name\",\"phone\",\"content\"],\"properties\":{\"name\":{\"type\":\"string\"},\"phone\":{\"type\":\"string\",\"description\":\"at least 7 digits\"},\"email\":{\"type\":[\"string\",\"null\"]},\"subject\":{\"type\":[\"string\",\"null\"]},\"content\":{\"type\":\"string\"},\"demands\":{\"type\":[\"string\",\"null\"]}}}"
  ",\"PortalReceipt\":{\"type\":\"object\",\"properties\":{\"number\":{\"type\":\"string\"},\"received_at\":{\"type\":\"string\",\"format\":\"date-time\"},\"status\":{\"type\":\"string\",\"description\":\"the customer's status: received, accepted, processing, executing, resolved, closed, transferred, withdrawn, merged\"},\"photos\":{\"type\":\"object\",\"properties\":{\"upload_url\":{\"type\":\"string\"},\"token\":{\"type\":\"string\",\"description\":\"send as X-Upload-Token\"},\"expires_at\":{\"type\":\"string\",\"format\":\"date-time\"},\"max_count\":{\"type\":\"integer\"},\"max_bytes\":{\"type\":\"integer\"},\"types\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}}}}"
  ",\"PortalPhoto\":{\"type\":\"object\",\"properties\":{\"filename\":{\"type\":\"string\"},\"content_type\":{\"type\":\"string\"},\"size\":{\"type\":\"integer\"},\"photos_left\":{\"type\":\"integer\"}}}"
  ",\"PortalLookup\":{\"type\":\"object\",\"required\":[\"number\",\"phone_last4\"],\"properties\":{\"number\":{\"type\":\"string\"},\"phone_last4\":{\"type\":\"string\",\"pattern\":\"^[0-9]{4}$\"}}}"
  ",\"PortalProgress\":{\"type\":\"object\",\"properties\":{\"number\":{\"type\":\"string\"},\"subject\":{\"type\":[\"string\",\"null\"]},\"status\":{\"type\":\"string\"},\"received_at\":{\"type\":\"string\",\"format\":\"date-time\"},\"timeline\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"step\":{\"enum\":[\"registered\",\"accepted\",\"reassigned\",\"transferred\",\"contacted\",\"progress\",\"executing\",\"resolved\",\"reopened\",\"closed\",\"withdrawn\",\"merged\"]},\"at\":{\"type\":\"string\",\"format\":\"date-time\"},\"department\":{\"type\":[\"string\",\"null\"]}}}}}}"
  ",\"PortalSurvey\":{\"type\":\"object\",\"properties\":{\"number\":{\"type\":\"string\"},\"subject\":{\"type\":[\"string\",\"null\"]},\"result\":{\"type\":[\"string\",\"null\"]},\"status\":{\"type\":\"string\"},\"resolved_at\":{\"type\":\"string\",\"format\":\"date-time\"},\"expires_at\":{\"type\":\"string\",\"format\":\"date-time\"},\"answered\":{\"type\":\"boolean\"}}}"
  ",\"SurveyAnswer\":{\"type\":\"object\",\"required\":[\"satisfied\",\"score\"],\"properties\":{\"satisfied\":{\"type\":\"boolean\"},\"score\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":5},\"comment\":{\"type\":[\"string\",\"null\"]}}}"
  ",\"SurveyLink\":{\"type\":\"object\",\"properties\":{\"token\":{\"type\":\"string\"},\"url\":{\"type\":\"string\",\"description\":\"relative to the server: /portal#/survey/<token>\"},\"expires_at\":{\"type\":\"string\",\"format\":\"date-time\"}}}"
  "}";

static json_t *
ref(const char *name)
{
  char path[128];
  snprintf(path, sizeof path, "#/components/schemas/%s", name);
  return json_pack("{s:s}", "$ref", path);
}

/* The schema of a response named in the table: "[]X" is a list of X. */
static json_t *
response_schema(const char *name)
{
  if (strncmp(name, "[]", 2) != 0)
    return ref(name + 0);
  return json_pack("{s:s, s:{s:{s:s, s:o}, s:{s:[ss]}}}", "type", "object",
                   "properties", "items", "type", "array", "items", ref(name + 2),
                   "next_cursor", "type", "string", "null");
}

/* A query parameter's schema: a few are numbers or flags, the rest text. */
static json_t *
query_schema(const char *name)
{
  if (strcmp(name, "limit") == 0)
    return json_pack("{s:s, s:i, s:i, s:i}", "type", "integer", "minimum", 1,
                     "maximum", 500, "default", 50);
  if (strcmp(name, "overdue") == 0)
    return json_pack("{s:s}", "type", "boolean");
  if (strcmp(name, "group_by") == 0)
    return json_pack("{s:[sssssss]}", "enum", "category", "department", "site",
                     "channel", "severity", "month", "status");
  if (strcmp(name, "sort") == 0)
    return json_pack("{s:[sss]}", "enum", "due", "-received_at", "received_at");
  return json_pack("{s:s}", "type", "string");
}

static json_t *
parameters(const struct rd_route *r)
{
  json_t *params = json_array();
  /* Path parameters, in pattern order. */
  for (const char *p = strchr(r->pattern, '{'); p; p = strchr(p + 1, '{')) {
    const char *close = strchr(p, '}');
    char name[32];
    snprintf(name, sizeof name, "%.*s", (int)(close - p - 1), p + 1);
    json_t *schema = json_pack("{s:s}", "type", "string");
    if (strcmp(name, "action") == 0) {
      json_t *actions = json_array();
      for (int k = 0; k < RD_ACT_COUNT; k++)
        json_array_append_new(actions, json_string(rd_action_name((enum rd_action_kind)k)));
      json_object_set_new(schema, "enum", actions);
    }
    json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:o}", "name", name,
                                            "in", "path", "required", 1,
                                            "schema", schema));
  }
  if (r->query) {
    char *copy = rd_xstrdup(r->query), *save = NULL;
    for (char *q = strtok_r(copy, ",", &save); q; q = strtok_r(NULL, ",", &save))
      json_array_append_new(params, json_pack("{s:s, s:s, s:o}", "name", q, "in",
                                              "query", "schema", query_schema(q)));
    free(copy);
  }
  if (r->handler == rd_h_complaint_create)
    json_array_append_new(params, json_pack(
        "{s:s, s:s, s:s, s:{s:s}}", "name", "Idempotency-Key", "in", "header",
        "description", "the same key and body return the first complaint again",
        "schema", "type", "string"));
  if (r->handler == rd_h_complaint_patch || r->handler == rd_h_complaint_act)
    json_array_append_new(params, json_pack(
        "{s:s, s:s, s:s, s:{s:s}}", "name", "If-Match", "in", "header",
        "description", "the record's version, e.g. \"3\"; a stale one gets 409",
        "schema", "type", "string"));
  return params;
}

static json_t *
operation(const struct rd_route *r)
{
  char op_id[160], *o = op_id, code[8];
  /* operationId from method and path: post_api_v1_complaints_id_actions_action */
  o += snprintf(op_id, sizeof op_id, "%s", r->method);
  for (const char *p = r->pattern; *p && o < op_id + sizeof op_id - 1; p++)
    if (*p != '{' && *p != '}')
      *o++ = (*p == '/' || *p == '-' || *p == '.') ? '_' : *p;
  *o = '\0';
  for (o = op_id; *o; o++)
    if (*o >= 'A' && *o <= 'Z')
      *o = (char)(*o - 'A' + 'a');

  json_t *op = json_pack("{s:s, s:s, s:[s], s:o}", "operationId", op_id,
                         "summary", r->summary, "tags", r->tag,
                         "parameters", parameters(r));
  if (r->description)
    json_object_set_new(op, "description", json_string(r->description));
  if (r->body == RD_BODY_JSON && r->request_schema)
    json_object_set_new(op, "requestBody", json_pack(
        "{s:b, s:{s:{s:o}}}", "required", 1, "content", "application/json",
        "schema", ref(r->request_schema)));
  else if (r->body == RD_BODY_RAW)
    json_object_set_new(op, "requestBody", json_pack(
        "{s:b, s:{s:{s:{s:s, s:s}}}}", "required", 1, "content", "*/*", "schema",
        "type", "string", "contentMediaType", "application/octet-stream"));

  json_t *ok = json_pack("{s:s}", "description", "success");
  if (r->response_schema && strcmp(r->response_schema, "Binary") == 0)
    json_object_set_new(ok, "content", json_pack("{s:{s:o}}", "application/octet-stream",
                                                 "schema", ref("Binary")));
  else if (r->response_schema)
    json_object_set_new(ok, "content", json_pack("{s:{s:o}}", "application/json",
                                                 "schema", response_schema(r->response_schema)));
  else if (r->handler == rd_h_metrics)
    json_object_set_new(ok, "content", json_pack("{s:{s:{s:s}}}", "text/plain",
                                                 "schema", "type", "string"));
  else if (r->handler == rd_h_web_index)
    json_object_set_new(ok, "content", json_pack("{s:{s:{s:s}}}", "text/html",
                                                 "schema", "type", "string"));
  else if (r->handler == rd_h_openapi)
    json_object_set_new(ok, "content", json_pack("{s:{s:{s:s}}}", "application/json",
                                                 "schema", "type", "object"));
  snprintf(code, sizeof code, "%u", r->success);
  json_object_set_new(op, "responses", json_pack(
      "{s:o, s:{s:s, s:{s:{s:o}}}}", code, ok, "default", "description",
      "a problem (400, 401, 403, 404, 409, 413, 422, 429, ...)", "content",
      "application/problem+json", "schema", ref("Problem")));
  if (r->auth == RD_AUTH_NONE)
    json_object_set_new(op, "security", json_array());
  return op;
}

char *
rd_openapi_render(size_t *len)
{
  size_t n;
  const struct rd_route *routes = rd_routes(&n);
  json_error_t jerr;
  json_t *schemas = json_loads(schemas_json, 0, &jerr);
  if (!schemas) {
    /* A typo in the literal above: caught by the unit test, never at run time. */
    fprintf(stderr, "openapi: schemas line %d: %s\n", jerr.line, jerr.text);
    abort();
  }
  json_t *paths = json_object();
  for (size_t i = 0; i < n; i++) {
    json_t *item = json_object_get(paths, routes[i].pattern);
    if (!item) {
      item = json_object();
      json_object_set_new(paths, routes[i].pattern, item);
    }
    char method[8];
    size_t k = 0;
    for (; routes[i].method[k] && k < sizeof method - 1; k++)
      method[k] = (char)(routes[i].method[k] - 'A' + 'a');
    method[k] = '\0';
    json_object_set_new(item, method, operation(&routes[i]));
  }
  json_t *doc = json_pack(
      "{s:s, s:{s:s, s:s, s:s}, s:o, s:{s:o, s:{s:{s:s, s:s, s:s, s:s}, s:{s:s, s:s, s:s}}}}",
      "openapi", "3.1.0",
      "info", "title", "Redress API", "version", "0.1.0", "description",
      "Customer complaint management. Sign in with POST /api/v1/auth/login "
      "(session cookie; unsafe requests then carry X-CSRF-Token) or send "
      "Authorization: Bearer <api token>. Errors are application/problem+json. "
      "A request body key the operation does not take, at any depth, is refused "
      "(422 naming it, e.g. customer.nmae); keys a GET shows but a PUT cannot "
      "change (id, a category's level, a calendar's version and "
      "working_day_minutes) are accepted there and ignored.",
      "paths", paths,
      "components", "schemas", schemas, "securitySchemes",
      "cookie", "type", "apiKey", "in", "cookie", "name", "redress_session",
      "description", "session cookie from POST /api/v1/auth/login",
      "bearer", "type", "http", "scheme", "bearer", "description", "API token from POST /api/v1/tokens");
  if (!doc) {
    fprintf(stderr, "openapi: could not build the document\n");
    abort();
  }
  /* Either scheme will do, unless an operation says security: []. */
  json_t *security = json_array();
  json_array_append_new(security, json_pack("{s:[]}", "cookie"));
  json_array_append_new(security, json_pack("{s:[]}", "bearer"));
  json_object_set_new(doc, "security", security);

  char *text = json_dumps(doc, JSON_COMPACT);
  json_decref(doc);
  if (!text)
    abort();
  *len = strlen(text);
  return text;
}

void
rd_h_openapi(struct rd_request *req)
{
  rd_reply_json_static(req, 200, req->http->openapi_json, req->http->openapi_len);
}
