/* cli/demo.c - the demo loader: users of every role and ~200 complaints that
 * went through the workflow over the last 90 days.
 *
 * Each complaint is registered and moved through its actions by the demo
 * users themselves, through the service, with the service clock set back to
 * the moment of each step: so the timeline, the SLA clocks and the reports
 * look like three months of real work. Stories come from cli/demo_data.c; a
 * fixed-seed generator picks them, so the same seed gives the same database.
 */
#include "cli/setup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/demo.h"
#include "core/action.h"
#include "core/org.h"
#include "service/service.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/time.h"

#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

enum { MINUTE = 60, HOUR = 3600, DAY = 86400 };

/* How a complaint's story ends (when it is old enough to have ended). */
enum scenario {
  SC_NORMAL,       /* plan, (approval), resolve, satisfied follow-up */
  SC_REOPEN,       /* unsatisfied at follow-up, second plan, then satisfied */
  SC_UNREACHABLE,  /* follow-up never reaches the customer: closed with a note */
  SC_REJECT,       /* the approver rejects the first plan */
  SC_INVALID,      /* outside our services: transferred, explained, closed */
  SC_WITHDRAW,     /* the customer withdraws */
  SC_MERGE,        /* a repeat call about an earlier complaint */
  SC_COUNT
};
static const int scenario_weight[SC_COUNT] = {
  [SC_NORMAL] = 58, [SC_REOPEN] = 7, [SC_UNREACHABLE] = 5, [SC_REJECT] = 6,
  [SC_INVALID] = 10, [SC_WITHDRAW] = 7, [SC_MERGE] = 7,
};

static const int channel_weight[RD_CHANNEL_COUNT] = {
  [RD_CHANNEL_PHONE] = 32, [RD_CHANNEL_WALK_IN] = 18, [RD_CHANNEL_WEB] = 12,
  [RD_CHANNEL_EMAIL] = 6,  [RD_CHANNEL_LETTER] = 4,   [RD_CHANNEL_SOCIAL] = 9,
  [RD_CHANNEL_REGULATOR] = 6, [RD_CHANNEL_INTERNAL] = 7, [RD_CHANNEL_API] = 6,
};

/* How long after the customer complained the record is typed in, by channel:
 * a call is entered at once, a letter the next working day. */
static const struct { int64_t lo, hi; } entry_delay[RD_CHANNEL_COUNT] = {
  [RD_CHANNEL_PHONE] = {1 * MINUTE, 8 * MINUTE},
  [RD_CHANNEL_WALK_IN] = {5 * MINUTE, 25 * MINUTE},
  [RD_CHANNEL_WEB] = {10 * MINUTE, 3 * HOUR},
  [RD_CHANNEL_EMAIL] = {30 * MINUTE, 6 * HOUR},
  [RD_CHANNEL_LETTER] = {4 * HOUR, 30 * HOUR},
  [RD_CHANNEL_SOCIAL] = {20 * MINUTE, 2 * HOUR},
  [RD_CHANNEL_REGULATOR] = {2 * HOUR, 24 * HOUR},
  [RD_CHANNEL_INTERNAL] = {15 * MINUTE, 2 * HOUR},
  [RD_CHANNEL_API] = {0, 1 * MINUTE},
};

/* What the agent writes in front of the customer's words, by channel. */
static const char *const channel_prefix[RD_CHANNEL_COUNT] = {
  [RD_CHANNEL_LETTER] = "（客户来信）",
  [RD_CHANNEL_SOCIAL] = "（客户在微博发帖并@我公司官方账号）",
  [RD_CHANNEL_REGULATOR] = "（市场监管部门12315平台转办）",
  [RD_CHANNEL_INTERNAL] = "（销售展厅转来，客户在现场反映）",
};

static const struct { const char *code; int weight; const char *plates[4]; } site_mix[] = {
  {"bj01", 45, {"京A", "京N", "京Q", "京E"}},
  {"bj02", 30, {"京B", "京F", "京J", "京L"}},
  {"sh01", 25, {"沪A", "沪B", "沪D", "沪F"}},
};

/* Departments that receive complaints, for a first triage to the wrong one. */
static const char *const handling_departments[] = {
  "after_sales", "sales", "finance", "parts", "general_affairs",
};

struct customer {
  char name[32];
  char phone[16];
  char plate[16];
  char email[40];
  size_t site;
};

/* A complaint made so far, for merges and repeat customers. */
struct record {
  int64_t id;
  char number[48];
  size_t customer;
  int kase;            /* index in RD_CLI_DEMO_CASES, -1 for an invalid one */
  bool merged;         /* merged into another, so never a merge target */
  enum rd_state status;/* where its story ended */
};

struct demo {
  struct rd_service *svc;
  const struct rd_cli_org *org;
  const char *zone;
  int64_t now;                 /* the real now: nothing happens after it */
  int64_t clock;               /* what the service believes is now */
  uint64_t rng;
  struct rd_principal people[RD_CLI_DEMO_USERS_MAX];
  struct customer *customers;
  size_t n_customers;
  struct record *records;
  size_t n_records;
  struct rd_cli_demo_stats *stats;
  struct rd_arena *a;          /* per complaint */
  struct rd_complaint_view view;
  char number[48];             /* of the complaint being played, for errors */
};


/* ---- randomness (splitmix64: tiny, fixed, same everywhere) -------------- */

static uint64_t
next_random(struct demo *d)
{
  uint64_t z = (d->rng += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static int64_t
between(struct demo *d, int64_t lo, int64_t hi)
{
  if (hi <= lo)
    return lo;
  return lo + (int64_t)(next_random(d) % (uint64_t)(hi - lo + 1));
}

static bool
chance(struct demo *d, int percent)
{
  return between(d, 0, 99) < percent;
}

static const char *
pick(struct demo *d, const struct rd_cli_demo_pool *p)
{
  return p->items[between(d, 0, (int64_t)p->n - 1)];
}

static size_t
pick_weighted(struct demo *d, const int *weights, size_t n)
{
  int total = 0;
  for (size_t i = 0; i < n; i++)
    total += weights[i];
  int64_t r = between(d, 0, total - 1);
  for (size_t i = 0; i < n; i++) {
    if (r < weights[i])
      return i;
    r -= weights[i];
  }
  return n - 1;
}

static void
random_digits(struct demo *d, char *out, int n)
{
  for (int i = 0; i < n; i++)
    out[i] = (char)('0' + between(d, 0, 9));
  out[n] = '\0';
}

/* ---- time ----------------------------------------------------------------- */

static int64_t
demo_clock(void *ctx)
{
  return ((struct demo *)ctx)->clock;
}

/* Local midnight of the day of t in the service's zone. */
static int64_t
day_start(struct demo *d, int64_t t)
{
  struct rd_civil c;
  rd_time_civil(t, d->zone, &c);
  return t - c.hour * HOUR - c.minute * MINUTE - c.second;
}

/* t moved into staff hours (09:00-18:00 local), the next morning when late. */
static int64_t
staff_hours(struct demo *d, int64_t t)
{
  struct rd_civil c;
  rd_time_civil(t, d->zone, &c);
  if (c.hour >= 9 && c.hour < 18)
    return t;
  int64_t morning = day_start(d, t) + 9 * HOUR + between(d, 0, 50 * MINUTE);
  return c.hour < 9 ? morning : morning + DAY;
}

/* Moves the clock lo..hi seconds on, into staff hours. False (clock
 * unchanged) when that moment has not come yet: the story stops there. */
static bool
step(struct demo *d, int64_t lo, int64_t hi)
{
  int64_t t = staff_hours(d, d->clock + between(d, lo, hi));
  if (t > d->now - MINUTE)
    return false;
  d->clock = t;
  return true;
}

/* ---- people ----------------------------------------------------------------- */

static const struct rd_principal *
person(struct demo *d, const char *username)
{
  for (size_t i = 0; i < RD_CLI_DEMO_USERS_COUNT; i++)
    if (!strcmp(d->people[i].username, username))
      return &d->people[i];
  abort();   /* a name missing from RD_CLI_DEMO_USERS is a bug in this file */
}

/* The handler of a department, else its manager. */
static const struct rd_principal *
handler_of(struct demo *d, int64_t department_id)
{
  const struct rd_principal *manager = NULL;
  for (size_t i = 0; i < RD_CLI_DEMO_USERS_COUNT; i++) {
    const struct rd_principal *p = &d->people[i];
    if (p->department_id != department_id)
      continue;
    if (p->role == RD_ROLE_HANDLER)
      return p;
    if (p->role == RD_ROLE_MANAGER && !manager)
      manager = p;
  }
  return manager ? manager : &RD_PRINCIPAL_SYSTEM;
}

static const struct rd_principal *
agent(struct demo *d)
{
  return person(d, chance(d, 65) ? "kefu" : "kefu2");
}

static enum rd_status
create_users(struct demo *d, const char *password, struct rd_error *err)
{
  for (size_t i = 0; i < RD_CLI_DEMO_USERS_COUNT; i++) {
    const struct rd_cli_demo_user *du = &RD_CLI_DEMO_USERS[i];
    struct rd_user u = {
      .username = du->username,
      .display_name = du->display_name,
      .role = du->role,
      .department_id = rd_cli_org_department(d->org, du->department),
      .locale = "zh-CN",
      .active = true,
    };
    enum rd_status st = rd_service_user_save(d->svc, &RD_PRINCIPAL_SYSTEM, &u,
                                             password, err);
    if (st != RD_OK)
      return st;
    d->people[i] = (struct rd_principal){
      .user_id = u.id, .username = du->username, .display_name = du->display_name,
      .role = du->role, .department_id = u.department_id, .locale = "zh-CN",
    };
  }
  return RD_OK;
}

/* ---- customers -------------------------------------------------------------- */

static size_t
new_customer(struct demo *d)
{
  d->customers = rd_xrealloc(d->customers, (d->n_customers + 1) * sizeof *d->customers);
  struct customer *c = &d->customers[d->n_customers];
  memset(c, 0, sizeof *c);
  int site_w[COUNT(site_mix)];
  for (size_t i = 0; i < COUNT(site_mix); i++)
    site_w[i] = site_mix[i].weight;
  c->site = pick_weighted(d, site_w, COUNT(site_mix));
  snprintf(c->name, sizeof c->name, "%s%s", pick(d, &RD_CLI_DEMO_SURNAMES),
           pick(d, &RD_CLI_DEMO_GIVEN_NAMES));
  static const char *const prefixes[] = {"138", "139", "135", "136", "186", "158", "152", "177"};
  char digits[9];
  random_digits(d, digits, 8);
  snprintf(c->phone, sizeof c->phone, "%s%s", prefixes[between(d, 0, 7)], digits);
  static const char plate_chars[] = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  char tail[6];
  for (int i = 0; i < 5; i++)   /* mostly digits, like real plates */
    tail[i] = plate_chars[chance(d, 75) ? between(d, 0, 9)
                                        : between(d, 0, (int64_t)sizeof plate_chars - 2)];
  tail[5] = '\0';
  snprintf(c->plate, sizeof c->plate, "%s%s", site_mix[c->site].plates[between(d, 0, 3)], tail);
  char qq[11];
  random_digits(d, qq, (int)between(d, 8, 10));
  if (qq[0] == '0')
    qq[0] = '3';
  snprintf(c->email, sizeof c->email, "%s@qq.com", qq);
  return d->n_customers++;
}

/* A new customer, or now and then one who has complained before. */
static size_t
choose_customer(struct demo *d)
{
  if (d->n_customers > 10 && chance(d, 12))
    return (size_t)between(d, 0, (int64_t)d->n_customers - 1);
  return new_customer(d);
}

/* {"plate":"京A12345"} or the identifier the case names. */
static const char *
customer_refs(struct demo *d, const struct customer *c, const char *kind,
              const char *ref_value)
{
  if (!kind)
    return NULL;
  struct rd_buf b = {0};
  rd_buf_putc(&b, '{');
  rd_buf_json_string(&b, kind);
  rd_buf_putc(&b, ':');
  rd_buf_json_string(&b, strcmp(kind, "plate") ? ref_value : c->plate);
  rd_buf_putc(&b, '}');
  char *out = rd_arena_strdup(d->a, b.data);
  rd_buf_free(&b);
  return out;
}

/* The identifier a case's {ref} stands for: order, waybill, contract, member. */
static const char *
reference(struct demo *d, const char *kind)
{
  char digits[16];
  if (!kind || !strcmp(kind, "plate"))
    return "";
  if (!strcmp(kind, "order")) {
    random_digits(d, digits, 10);
    return rd_arena_sprintf(d->a, "JP%s", digits);
  }
  if (!strcmp(kind, "waybill")) {
    random_digits(d, digits, 12);
    return rd_arena_sprintf(d->a, "SF%s", digits);
  }
  if (!strcmp(kind, "contract")) {
    random_digits(d, digits, 8);
    return rd_arena_sprintf(d->a, "DK%s", digits);
  }
  random_digits(d, digits, 6);
  return rd_arena_sprintf(d->a, "HY%s", digits);
}

/* ---- acting through the service ---------------------------------------------- */

static void
json_key(struct rd_buf *b, const char *key)
{
  if (b->len > 1)
    rd_buf_putc(b, ',');
  rd_buf_json_string(b, key);
  rd_buf_putc(b, ':');
}

/* The action as the JSON body a client would have sent: the event's details. */
static const char *
action_body(struct rd_arena *a, const struct rd_action *act)
{
  struct rd_buf b = {0};
  unsigned f = act->fields;
  rd_buf_putc(&b, '{');
  if (f & RD_F_VALID) {
    json_key(&b, "valid");
    rd_buf_puts(&b, act->valid ? "true" : "false");
  }
  if (f & RD_F_CATEGORY) {
    json_key(&b, "category_id");
    rd_buf_printf(&b, "%lld", (long long)act->category_id);
  }
  if (f & RD_F_SEVERITY) {
    json_key(&b, "severity");
    rd_buf_printf(&b, "%d", act->severity);
  }
  if (f & RD_F_DEPARTMENT) {
    json_key(&b, "department_id");
    rd_buf_printf(&b, "%lld", (long long)act->department_id);
  }
  if (f & RD_F_ASSIGNEE) {
    json_key(&b, "assignee_id");
    rd_buf_printf(&b, "%lld", (long long)act->assignee_id);
  }
  const struct { unsigned bit; const char *key; const char *value; } texts[] = {
    {RD_F_REASON, "reason", act->reason},
    {RD_F_NOTE, "note", act->note},
    {RD_F_METHOD, "method", act->method},
    {RD_F_KIND, "kind", rd_plan_kind_name(act->plan_kind)},
    {RD_F_DESCRIPTION, "description", act->description},
    {RD_F_RESULT, "result", act->result},
    {RD_F_COMMENT, "comment", act->comment},
    {RD_F_INTO, "into", act->into},
  };
  for (size_t i = 0; i < COUNT(texts); i++) {
    if ((f & texts[i].bit) && texts[i].value) {
      json_key(&b, texts[i].key);
      rd_buf_json_string(&b, texts[i].value);
    }
  }
  if (f & RD_F_TRANSFER) {
    json_key(&b, "transfer");
    rd_buf_puts(&b, "{\"to_party\":");
    rd_buf_json_string(&b, act->transfer.to_party);
    rd_buf_puts(&b, ",\"contact_person\":");
    rd_buf_json_string(&b, act->transfer.contact_person);
    rd_buf_puts(&b, ",\"contact_phone\":");
    rd_buf_json_string(&b, act->transfer.contact_phone);
    rd_buf_puts(&b, ",\"contact_address\":");
    rd_buf_json_string(&b, act->transfer.contact_address);
    rd_buf_putc(&b, '}');
  }
  if (f & RD_F_AMOUNT) {
    json_key(&b, "amount");
    rd_buf_printf(&b, "%lld.%02lld", (long long)(act->amount_fen / 100),
                  (long long)(act->amount_fen % 100));
  }
  if (f & RD_F_REACHED) {
    json_key(&b, "reached");
    rd_buf_puts(&b, act->reached ? "true" : "false");
  }
  if (f & RD_F_SATISFIED) {
    json_key(&b, "satisfied");
    rd_buf_puts(&b, act->satisfied ? "true" : "false");
  }
  if (f & RD_F_SCORE) {
    json_key(&b, "score");
    rd_buf_printf(&b, "%d", act->score);
  }
  rd_buf_putc(&b, '}');
  char *out = rd_arena_strdup(a, b.data);
  rd_buf_free(&b);
  return out;
}

/* Says which complaint and step failed, keeping the service's field and detail. */
static enum rd_status
annotate(struct demo *d, const char *step_name, const struct rd_principal *who,
         struct rd_error *err)
{
  char detail[sizeof err->detail];
  memcpy(detail, err->detail, sizeof detail);
  snprintf(err->detail, sizeof err->detail, "%.40s %.20s as %.20s: %.160s",
           d->number[0] ? d->number : "new complaint", step_name,
           who->username ? who->username : "system", detail);
  return err->code;
}

static enum rd_status
act(struct demo *d, const struct rd_principal *who, struct rd_action *a,
    struct rd_error *err)
{
  const char *body = action_body(d->a, a);
  enum rd_status st = rd_service_complaint_act(d->svc, who, d->view.c.id, a, 0,
                                               body, d->a, &d->view, err);
  if (st != RD_OK)
    return annotate(d, rd_action_name(a->kind), who, err);
  d->stats->events++;
  return RD_OK;
}

/* ---- the stories -------------------------------------------------------------- */

struct plan {
  enum rd_plan_kind kind;
  const char *description;
  int amount_yuan;
};

static enum rd_status
propose(struct demo *d, const struct rd_principal *handler, const struct plan *p,
        struct rd_error *err)
{
  struct rd_action a = {
    .kind = RD_ACT_PROPOSE_PLAN,
    .fields = RD_F_KIND | RD_F_DESCRIPTION,
    .plan_kind = p->kind,
    .description = p->description,
  };
  if (p->amount_yuan > 0 || rd_plan_kind_is_money(p->kind)) {
    a.fields |= RD_F_AMOUNT;
    a.amount_fen = (int64_t)p->amount_yuan * 100;
  }
  return act(d, handler, &a, err);
}

/* From proposing a plan to executing it: approval when the policy wants it,
 * a rejection first in SC_REJECT. Returns with *stopped when time ran out. */
static enum rd_status
plan_to_execution(struct demo *d, const struct rd_principal *handler,
                  struct plan p, enum scenario sc, int stop, bool *stopped,
                  struct rd_error *err)
{
  enum rd_status st;
  const struct rd_principal *approver = person(d, "zongjingli");
  if ((st = propose(d, handler, &p, err)) != RD_OK)
    return st;
  if (d->view.c.status != RD_STATE_PENDING_APPROVAL)
    return RD_OK;
  if (stop == RD_STATE_PENDING_APPROVAL || !step(d, 30 * MINUTE, 7 * HOUR)) {
    *stopped = true;
    return RD_OK;
  }
  if (sc == SC_REJECT) {
    struct rd_action rej = {.kind = RD_ACT_REJECT, .fields = RD_F_REASON,
                            .reason = pick(d, &RD_CLI_DEMO_REJECT)};
    if ((st = act(d, approver, &rej, err)) != RD_OK)
      return st;
    if (!step(d, 2 * HOUR, 1 * DAY)) {
      *stopped = true;
      return RD_OK;
    }
    /* Renegotiated with the customer: less money, same remedy. */
    p.amount_yuan = p.amount_yuan * 4 / 5;
    p.description = p.amount_yuan > 0
        ? rd_arena_sprintf(d->a, "与客户重新协商，金额调整为%d元，其余按原方案执行", p.amount_yuan)
        : rd_arena_sprintf(d->a, "补充调查后重新上报：%s", p.description);
    if ((st = propose(d, handler, &p, err)) != RD_OK)
      return st;
    if (d->view.c.status != RD_STATE_PENDING_APPROVAL)
      return RD_OK;
    if (!step(d, 30 * MINUTE, 5 * HOUR)) {
      *stopped = true;
      return RD_OK;
    }
  }
  struct rd_action ok = {.kind = RD_ACT_APPROVE, .fields = RD_F_NOTE,
                         .note = chance(d, 50) ? "同意" : "同意，尽快落实并向客户反馈"};
  return act(d, approver, &ok, err);
}

static enum rd_status
follow_up(struct demo *d, bool reached, bool satisfied, int score,
          const char *comment, struct rd_error *err)
{
  struct rd_action a = {.kind = RD_ACT_FOLLOW_UP,
                        .fields = RD_F_METHOD | RD_F_REACHED,
                        .method = chance(d, 85) ? "phone" : "visit",
                        .reached = reached};
  if (reached) {
    a.fields |= RD_F_SATISFIED | RD_F_SCORE;
    a.satisfied = satisfied;
    a.score = score;
    if (comment) {
      a.fields |= RD_F_COMMENT;
      a.comment = comment;
    }
  }
  return act(d, agent(d), &a, err);
}

/* Everything after registration of a valid complaint. */
static enum rd_status
run_valid(struct demo *d, const struct rd_cli_demo_case *k, int severity,
          enum scenario sc, int stop, struct rd_error *err)
{
  enum rd_status st;
  bool stopped = false;
  int64_t dept = rd_cli_org_department(d->org, k->department);
  const struct rd_principal *handler = handler_of(d, dept);

  if (stop == RD_STATE_REGISTERED)
    return RD_OK;
  if (sc == SC_WITHDRAW && chance(d, 40)) {
    if (!step(d, 10 * MINUTE, 3 * HOUR))
      return RD_OK;
    struct rd_action w = {.kind = RD_ACT_WITHDRAW, .fields = RD_F_REASON,
                          .reason = pick(d, &RD_CLI_DEMO_WITHDRAW)};
    return act(d, agent(d), &w, err);
  }

  /* Triage; now and then first to the wrong department, then reassigned. */
  if (!step(d, 4 * MINUTE, 45 * MINUTE))
    return RD_OK;
  bool misrouted = chance(d, 8);
  int64_t first_dept = dept;
  if (misrouted) {
    const char *other;
    do
      other = handling_departments[between(d, 0, COUNT(handling_departments) - 1)];
    while (!strcmp(other, k->department));
    first_dept = rd_cli_org_department(d->org, other);
  }
  struct rd_action t = {
    .kind = RD_ACT_TRIAGE,
    .fields = RD_F_VALID | RD_F_CATEGORY | RD_F_SEVERITY | RD_F_DEPARTMENT | RD_F_ASSIGNEE,
    .valid = true,
    .category_id = rd_cli_org_category(d->org, k->category),
    .severity = severity,
    .department_id = first_dept,
    .assignee_id = handler_of(d, first_dept)->user_id,
  };
  if ((st = act(d, agent(d), &t, err)) != RD_OK)
    return st;
  if (misrouted) {
    if (!step(d, 30 * MINUTE, 3 * HOUR))
      return RD_OK;
    struct rd_action as = {.kind = RD_ACT_ASSIGN,
                           .fields = RD_F_DEPARTMENT | RD_F_ASSIGNEE,
                           .department_id = dept, .assignee_id = handler->user_id};
    if ((st = act(d, agent(d), &as, err)) != RD_OK)
      return st;
  }
  if (stop == RD_STATE_ASSIGNED)
    return RD_OK;

  /* First contact: the 2-working-hour clock, mostly met. */
  if (!step(d, 15 * MINUTE, chance(d, 85) ? 2 * HOUR : 6 * HOUR))
    return RD_OK;
  struct rd_action c = {.kind = RD_ACT_CONTACT, .fields = RD_F_METHOD | RD_F_NOTE,
                        .method = chance(d, 75) ? "phone" : "visit",
                        .note = k->contact_note};
  if ((st = act(d, handler, &c, err)) != RD_OK)
    return st;
  if (sc == SC_WITHDRAW) {
    if (!step(d, 3 * HOUR, 2 * DAY))
      return RD_OK;
    struct rd_action w = {.kind = RD_ACT_WITHDRAW, .fields = RD_F_REASON,
                          .reason = pick(d, &RD_CLI_DEMO_WITHDRAW)};
    return act(d, handler, &w, err);
  }
  if (k->progress_note || chance(d, 20)) {
    if (!step(d, 2 * HOUR, 1 * DAY))
      return RD_OK;
    struct rd_action p = {.kind = RD_ACT_PROGRESS, .fields = RD_F_NOTE,
                          .note = k->progress_note ? k->progress_note
                                                   : pick(d, &RD_CLI_DEMO_PROGRESS)};
    if ((st = act(d, handler, &p, err)) != RD_OK)
      return st;
  }
  if (stop == RD_STATE_IN_PROGRESS)
    return RD_OK;

  if (!step(d, 1 * HOUR, 1 * DAY))
    return RD_OK;
  struct plan plan = {k->plan_kind, k->plan, k->amount_yuan};
  if ((st = plan_to_execution(d, handler, plan, sc, stop, &stopped, err)) != RD_OK ||
      stopped)
    return st;
  if (stop == RD_STATE_EXECUTING)
    return RD_OK;

  if (!step(d, 3 * HOUR, 3 * DAY))
    return RD_OK;
  struct rd_action r = {.kind = RD_ACT_RESOLVE, .fields = RD_F_RESULT, .result = k->result};
  if ((st = act(d, handler, &r, err)) != RD_OK)
    return st;
  if (stop == RD_STATE_RESOLVED)
    return RD_OK;

  /* The follow-up visit on day 5 to 7 (car-dealer seed). */
  if (!step(d, 5 * DAY, 6 * DAY + 6 * HOUR))
    return RD_OK;
  if (sc == SC_UNREACHABLE) {
    for (int attempt = 0; attempt < 3; attempt++) {
      if ((st = follow_up(d, false, false, 0, NULL, err)) != RD_OK)
        return st;
      if (!step(d, 20 * HOUR, 28 * HOUR))
        return RD_OK;
    }
    struct rd_action cl = {.kind = RD_ACT_CLOSE, .fields = RD_F_REASON,
                           .reason = pick(d, &RD_CLI_DEMO_UNREACHABLE)};
    return act(d, agent(d), &cl, err);
  }
  if (sc == SC_REOPEN) {
    if ((st = follow_up(d, true, false, (int)between(d, 1, 2),
                        pick(d, &RD_CLI_DEMO_UNSATISFIED), err)) != RD_OK)
      return st;
    if (!step(d, 2 * HOUR, 1 * DAY))
      return RD_OK;
    struct rd_action p = {.kind = RD_ACT_PROGRESS, .fields = RD_F_NOTE,
                          .note = "客户回访不满意，部门经理已再次致电客户，重新制定方案"};
    if ((st = act(d, handler, &p, err)) != RD_OK)
      return st;
    if (!step(d, 2 * HOUR, 1 * DAY))
      return RD_OK;
    struct plan again = {k->plan_kind, NULL,
                         k->amount_yuan > 0 ? k->amount_yuan + k->amount_yuan / 2 : 0};
    again.description =
        again.amount_yuan > 0
            ? rd_arena_sprintf(d->a, "二次处理：金额提高到%d元，其余按原方案执行；部门经理当面致歉",
                               again.amount_yuan)
            : rd_arena_sprintf(d->a, "二次处理：%s；部门经理当面致歉", k->plan);
    if ((st = plan_to_execution(d, handler, again, SC_NORMAL, -1, &stopped, err)) != RD_OK ||
        stopped)
      return st;
    if (!step(d, 3 * HOUR, 2 * DAY))
      return RD_OK;
    struct rd_action r2 = {.kind = RD_ACT_RESOLVE, .fields = RD_F_RESULT,
                           .result = "二次处理完成：已按新方案落实，部门经理已当面向客户致歉"};
    if ((st = act(d, handler, &r2, err)) != RD_OK)
      return st;
    if (!step(d, 5 * DAY, 6 * DAY + 6 * HOUR))
      return RD_OK;
    return follow_up(d, true, true, (int)between(d, 3, 5), "这次总算解决了", err);
  }
  if (chance(d, 12)) {   /* not home the first time */
    if ((st = follow_up(d, false, false, 0, NULL, err)) != RD_OK)
      return st;
    if (!step(d, 20 * HOUR, 28 * HOUR))
      return RD_OK;
  }
  int score = chance(d, 70) ? 5 : chance(d, 80) ? 4 : 3;
  return follow_up(d, true, true, score,
                   chance(d, 80) ? pick(d, &RD_CLI_DEMO_SATISFIED) : NULL, err);
}

static enum rd_status
run_invalid(struct demo *d, const struct rd_cli_demo_invalid *k, int stop,
            struct rd_error *err)
{
  enum rd_status st;
  if (!step(d, 5 * MINUTE, 40 * MINUTE))
    return RD_OK;
  const struct rd_principal *who = agent(d);
  struct rd_action t = {.kind = RD_ACT_TRIAGE,
                        .fields = RD_F_VALID | RD_F_REASON | RD_F_TRANSFER,
                        .valid = false, .reason = k->reason, .transfer = k->transfer};
  if ((st = act(d, who, &t, err)) != RD_OK)
    return st;
  if (stop == RD_STATE_TRANSFERRED || !step(d, 10 * MINUTE, 50 * MINUTE))
    return RD_OK;
  struct rd_action e = {.kind = RD_ACT_EXPLAIN, .fields = RD_F_NOTE, .note = k->explain};
  return act(d, who, &e, err);
}

/* Where a story stops early because it is recent: the open complaints. */
static int
choose_stop(struct demo *d, int64_t age)
{
  static const struct { int64_t max_age; int weights[RD_STATE_COUNT + 1]; } by_age[] = {
    /* the last slot is "runs to the end" */
    {1 * DAY,  {[RD_STATE_REGISTERED] = 45, [RD_STATE_ASSIGNED] = 35,
                [RD_STATE_IN_PROGRESS] = 20}},
    {4 * DAY,  {[RD_STATE_ASSIGNED] = 15, [RD_STATE_IN_PROGRESS] = 35,
                [RD_STATE_PENDING_APPROVAL] = 20, [RD_STATE_EXECUTING] = 20,
                [RD_STATE_COUNT] = 10}},
    {10 * DAY, {[RD_STATE_IN_PROGRESS] = 15, [RD_STATE_PENDING_APPROVAL] = 10,
                [RD_STATE_EXECUTING] = 15, [RD_STATE_RESOLVED] = 30,
                [RD_STATE_COUNT] = 30}},
    {20 * DAY, {[RD_STATE_EXECUTING] = 5, [RD_STATE_RESOLVED] = 15,
                [RD_STATE_COUNT] = 80}},
    /* older: a few still stuck, the overdue ones a manager chases */
    {INT64_MAX, {[RD_STATE_IN_PROGRESS] = 3, [RD_STATE_COUNT] = 97}},
  };
  for (size_t i = 0; i < COUNT(by_age); i++) {
    if (age < by_age[i].max_age) {
      size_t s = pick_weighted(d, by_age[i].weights, RD_STATE_COUNT + 1);
      return s == RD_STATE_COUNT ? -1 : (int)s;
    }
  }
  return -1;
}

static bool
case_needs_approval(const struct rd_cli_demo_case *k)
{
  return k->severity >= 5 || k->amount_yuan > 500;
}

static int
compare_times(const void *a, const void *b)
{
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* A few recent complaints, newest first, stop here whatever the dice say,
 * so that every open state has an example. They are received in staff hours
 * that have passed (demo_load), so that their stories fit before now at any
 * hour the demo is made. */
static const int newest_stops[] = {
  RD_STATE_REGISTERED, RD_STATE_TRANSFERRED, RD_STATE_ASSIGNED,
  RD_STATE_IN_PROGRESS, RD_STATE_ASSIGNED, RD_STATE_PENDING_APPROVAL,
};

/* Registers complaint i received at `received` and plays its story; newest
 * is its place among the chosen recent ones (0 = the newest), -1 for the
 * others. */
static enum rd_status
run_complaint(struct demo *d, int i, int newest, int64_t received,
              struct rd_error *err)
{
  enum rd_status st;
  int64_t age = d->now - received;

  enum rd_channel channel;
  /* Spread one of each channel over the period, whatever the dice say. */
  if (i % 21 == 4 && i / 21 < RD_CHANNEL_COUNT)
    channel = (enum rd_channel)(i / 21);
  else
    channel = (enum rd_channel)pick_weighted(d, channel_weight, RD_CHANNEL_COUNT);

  enum scenario sc = (enum scenario)pick_weighted(d, scenario_weight, SC_COUNT);
  int stop = choose_stop(d, age);
  if (newest >= 0 && newest < (int)COUNT(newest_stops)) {
    stop = newest_stops[newest];
    sc = stop == RD_STATE_TRANSFERRED ? SC_INVALID : SC_NORMAL;
  } else if (sc == SC_INVALID) {
    stop = age < 2 * DAY ? RD_STATE_TRANSFERRED : -1;
  } else if (stop >= 0 && sc != SC_REJECT) {
    sc = SC_NORMAL;
  }

  /* A repeat call about one of the last complaints becomes a merge. */
  const struct record *target = NULL;
  size_t target_i = 0;
  if (sc == SC_MERGE) {
    for (size_t back = 1; back <= 12 && back <= d->n_records; back++) {
      const struct record *r = &d->records[d->n_records - back];
      if (!r->merged && r->kase >= 0 && r->status != RD_STATE_WITHDRAWN &&
          chance(d, 40)) {
        target = r;
        target_i = d->n_records - back;
        break;
      }
    }
    if (!target)
      sc = SC_NORMAL;
  }

  int kase = -1;
  const struct rd_cli_demo_case *k = NULL;
  const struct rd_cli_demo_invalid *inv = NULL;
  if (sc == SC_INVALID) {
    inv = &RD_CLI_DEMO_INVALID[between(d, 0, (int64_t)RD_CLI_DEMO_INVALID_COUNT - 1)];
  } else if (target) {
    kase = target->kase;
  } else {
    bool want_approval = stop == RD_STATE_PENDING_APPROVAL || sc == SC_REJECT;
    for (int tries = 0; tries < 50; tries++) {
      kase = (int)between(d, 0, (int64_t)RD_CLI_DEMO_CASES_COUNT - 1);
      if (!want_approval || case_needs_approval(&RD_CLI_DEMO_CASES[kase]))
        break;
    }
  }
  if (kase >= 0)
    k = &RD_CLI_DEMO_CASES[kase];

  size_t cust = target ? target->customer : choose_customer(d);
  const struct customer *cu = &d->customers[cust];
  const char *ref_kind = k ? k->ref : NULL;
  const char *ref = reference(d, ref_kind);

  int severity = k ? k->severity : 1;
  if (channel == RD_CHANNEL_REGULATOR)
    severity = 5;    /* regulators and the media make a complaint major (SPEC §1) */
  else if (channel == RD_CHANNEL_SOCIAL && severity < 3)
    severity = 3;

  char days[8];
  snprintf(days, sizeof days, "%d", (int)between(d, 20, 35));
  const struct rd_cli_demo_var vars[] = {
    {"model", pick(d, &RD_CLI_DEMO_MODELS)},
    {"plate", cu->plate},
    {"ref", ref},
    {"days", days},
  };
  const char *subject, *content, *demands;
  if (target) {
    subject = rd_arena_sprintf(d->a, "再次来电：%s", k->subject);
    content = rd_arena_sprintf(d->a, "客户再次来电：上次反映的“%s”到现在还没有结果，"
                               "要求尽快给个答复。（与 %s 为同一事项）",
                               k->subject, target->number);
    demands = k->demands;
  } else {
    subject = k ? k->subject : inv->subject;
    content = rd_cli_demo_expand(d->a, k ? k->content : inv->content, vars, COUNT(vars));
    demands = k ? k->demands : inv->demands;
  }
  if (channel_prefix[channel])
    content = rd_arena_sprintf(d->a, "%s%s", channel_prefix[channel], content);

  /* The record is typed in after the customer complained. */
  d->clock = received + between(d, entry_delay[channel].lo, entry_delay[channel].hi);
  if (d->clock > d->now - MINUTE)
    d->clock = d->now - MINUTE;
  if (d->clock < received)
    d->clock = received;

  struct rd_complaint c = {
    .channel = channel,
    .received_at = received,
    .customer = {
      .name = cu->name,
      .phone = cu->phone,
      .email = channel == RD_CHANNEL_EMAIL ? cu->email : NULL,
      .refs_json = customer_refs(d, cu, ref_kind, ref),
    },
    .subject = subject,
    .content = content,
    .demands = demands,
    .anger = chance(d, 10) ? 0 : (int)(severity / 2 + between(d, 1, 3)),
    .site_id = rd_cli_org_site(d->org, site_mix[cu->site].code),
    .satisfied = -1,
  };
  if (c.anger > 5)
    c.anger = 5;
  if (channel == RD_CHANNEL_REGULATOR) {
    char digits[12];
    random_digits(d, digits, 10);
    c.external_ref = rd_arena_sprintf(d->a, "12315-%s", digits);
    c.tags_json = "[\"监管转办\"]";
  } else if (channel == RD_CHANNEL_SOCIAL) {
    c.tags_json = "[\"网络舆情\"]";
  } else if (target) {
    c.tags_json = "[\"重复投诉\"]";
  }
  /* On the phone and at the counter the agent reads the complaint back and
   * classifies it at once (levels 1-3); written channels are triaged later. */
  if (channel == RD_CHANNEL_PHONE || channel == RD_CHANNEL_WALK_IN) {
    c.restatement = rd_arena_sprintf(d->a, "客户反映%s，诉求：%s", subject, demands);
    c.restatement_confirmed = true;
    c.confirmed_at = d->clock;
    if (k && !target) {
      c.category_id = rd_cli_org_category(d->org, k->category);
      c.severity = severity;
    }
  }

  const struct rd_principal *who = channel == RD_CHANNEL_API ? &RD_PRINCIPAL_SYSTEM : agent(d);
  bool replayed = false;
  st = rd_service_complaint_register(d->svc, who, &c, NULL, NULL, d->a, &d->view,
                                     &replayed, err);
  if (st != RD_OK)
    return annotate(d, "register", who, err);
  d->stats->events++;
  snprintf(d->number, sizeof d->number, "%s", d->view.c.number);

  d->records = rd_xrealloc(d->records, (d->n_records + 1) * sizeof *d->records);
  struct record *rec = &d->records[d->n_records++];
  memset(rec, 0, sizeof *rec);
  rec->id = d->view.c.id;
  snprintf(rec->number, sizeof rec->number, "%s", d->view.c.number);
  rec->customer = cust;
  rec->kase = target ? -1 : kase;   /* a duplicate is not merged into again */
  if (target)
    target = &d->records[target_i];   /* the realloc may have moved it */

  if (sc == SC_INVALID)
    st = run_invalid(d, inv, stop, err);
  else if (target) {
    if (step(d, 10 * MINUTE, 90 * MINUTE)) {
      struct rd_action m = {.kind = RD_ACT_MERGE, .fields = RD_F_INTO,
                            .into = rd_arena_strdup(d->a, target->number)};
      st = act(d, agent(d), &m, err);
      rec->merged = true;
    }
  } else {
    st = run_valid(d, k, severity, sc, stop, err);
  }
  if (st != RD_OK)
    return st;

  rec->status = d->view.c.status;
  d->stats->complaints++;
  d->stats->by_status[d->view.c.status]++;
  d->stats->by_channel[channel]++;
  return RD_OK;
}

enum rd_status
rd_cli_demo_load(struct rd_service *svc, const struct rd_cli_org *org,
                 const char *password, int64_t now, uint64_t seed, int count,
                 struct rd_cli_demo_stats *stats, struct rd_error *err)
{
  enum rd_status st;
  struct demo d = {
    .svc = svc, .org = org, .zone = rd_service_timezone(svc), .now = now,
    .clock = now, .rng = seed, .stats = stats, .a = rd_arena_new(),
  };
  memset(stats, 0, sizeof *stats);
  int64_t *received = rd_xcalloc((size_t)(count > 0 ? count : 1), sizeof *received);

  if ((st = create_users(&d, password, err)) != RD_OK)
    goto out;

  /* When the customers complained: mostly in the daytime, over 90 days, a
   * few in the last days so that some complaints are still fresh. */
  /* When the customers complained: mostly in the daytime, over 90 days, a
   * few in the last days so that some complaints are still fresh. The
   * first COUNT(newest_stops) are the recent examples of each open state:
   * received on the last day whose staff hours have all passed, between
   * 10:00 and 12:00, so that their stories fit before now at any hour. */
  struct rd_civil nc;
  rd_time_civil(now, d.zone, &nc);
  int64_t example_day = day_start(&d, now) - (nc.hour >= 18 ? 0 : DAY);
  int *example = rd_xcalloc((size_t)(count > 0 ? count : 1), sizeof *example);
  for (int i = 0; i < count; i++) {
    int64_t t;
    if (i < (int)COUNT(newest_stops)) {
      t = example_day + 10 * HOUR + between(&d, 0, 2 * HOUR) + i * MINUTE;
    } else if (i < 8) {
      t = now - between(&d, 2 * HOUR, 3 * DAY);
    } else {
      t = day_start(&d, now - between(&d, 0, 89) * DAY) +
          between(&d, 8 * HOUR, 21 * HOUR + 30 * MINUTE);
      if (t > now - 40 * MINUTE)
        t = now - between(&d, 40 * MINUTE, 4 * HOUR);
    }
    received[i] = t;
  }
  /* Which of them are the examples, after sorting: their times are kept
   * and marked before the sort (times are distinct enough; a tie only
   * swaps two examples). */
  int64_t examples[COUNT(newest_stops)];
  for (size_t k = 0; k < COUNT(newest_stops) && (int)k < count; k++)
    examples[k] = received[k];
  qsort(received, (size_t)count, sizeof *received, compare_times);
  for (int i = count - 1, rank = 0; i >= 0; i--) {
    example[i] = -1;
    for (size_t k = 0; k < COUNT(newest_stops) && (int)k < count; k++)
      if (received[i] == examples[k] && rank < (int)COUNT(newest_stops)) {
        example[i] = rank++;
        examples[k] = INT64_MIN; /* used */
        break;
      }
  }

  rd_service_set_clock(svc, demo_clock, &d);
  for (int i = 0; i < count; i++) {
    rd_arena_reset(d.a);
    memset(&d.view, 0, sizeof d.view);
    d.number[0] = '\0';
    if ((st = run_complaint(&d, i, example[i], received[i], err)) != RD_OK)
      break;
  }
  rd_service_set_clock(svc, NULL, NULL);
  free(example);
out:
  free(received);
  free(d.customers);
  free(d.records);
  rd_arena_free(d.a);
  return st;
}
