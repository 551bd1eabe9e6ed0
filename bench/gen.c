/* bench/gen.c - the benchmark dataset generator: a year of realistic
 * complaints, written through the store port.
 *
 * `gen --db FILE --count N [--seed S] [--batch B] [--submitters T]` appends
 * N complaints to a database already set up by `redress init --demo` (it
 * reads the departments, sites, categories and users from there). Each
 * complaint goes through the same port calls as a real registration
 * (customer upsert, next number, complaint insert, a "registered" event), so
 * the schema, the constraints and the search index are the real ones.
 *
 * Speed: several submitter threads each call rd_store_write() with a job of
 * B complaints, so the store's group commit puts several jobs in one
 * transaction (one fsync). Jobs stay small because SQLite's savepoint journal
 * costs time proportional to what the savepoint already holds (measured:
 * 10,000 complaints per savepoint wrote 8x slower than 100). A submitter
 * generates its job's complaints under one lock, in index order, so one
 * fixed-seed generator picks everything: the same seed and count give the
 * same complaints (their instants are relative to the moment of the run),
 * whichever backend and however the jobs interleave. On PostgreSQL the jobs
 * are separate transactions on separate connections, side by side.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/complaint.h"
#include "core/event.h"
#include "core/org.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/mem.h"
#include "util/time.h"

#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

enum { MINUTE = 60, HOUR = 3600, DAY = 86400, SPAN_DAYS = 365 };

/* ---- vocabulary ------------------------------------------------------------ */

static const char *const surnames[] = {
  "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡",
  "朱", "高", "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐",
  "冯", "于", "董", "萧", "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭",
  "吕",
};
static const char *const given_names[] = {
  "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳",
  "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "志强",
  "晓东", "海燕", "春梅", "国庆", "文博", "子轩", "雨涵", "浩然", "欣怡", "宇航",
  "思远", "婷婷", "佳怡", "俊杰", "梓萱",
};
static const char *const phone_heads[] = { "13", "15", "18" };
static const char *const plate_prefixes[] = {
  "京A", "京B", "京E", "京F", "京N", "京Q", "沪A", "沪B", "沪D", "津A", "冀A",
};

static const char *const subjects[] = {
  "更衣柜损坏导致物品丢失", "车辆保养后发动机异响", "维修后故障再次出现",
  "快递包裹外包装破损", "退货退款迟迟未到账", "贷款手续费收取不合理",
  "销售顾问承诺的赠品未兑现", "配件价格与报价不符", "维修等待时间过长",
  "服务人员态度恶劣", "发票开具错误", "预约到店后无人接待",
  "新车交付时发现漆面划痕", "保险理赔进度缓慢", "会员积分被无故清零",
  "空调制冷效果差", "导航系统频繁死机", "轮胎更换后出现跑偏",
  "收费项目未提前告知", "洗车后车内物品丢失", "电话多次无人接听",
  "延保服务拒绝理赔", "二手车车况与描述不符", "定金退还纠纷",
  "展厅停车场收费争议", "短信频繁骚扰", "配件缺货长期无法维修",
  "维修记录与实际不符", "试驾过程中发生剐蹭", "充电桩安装延误",
};

static const char *const openers[] = {
  "客户来电反映：", "客户到店投诉称，", "客户在线留言：", "客户来信称，",
  "客户通过公众号反映，", "客户情绪激动地表示，", "客户再次来电，称",
};
static const char *const problems[] = {
  "上周在我店做完保养后，发动机在怠速时有明显异响，",
  "车辆送修三次仍未修好同一个故障，",
  "存放在更衣柜里的手机和钱包不见了，柜门锁已损坏，",
  "收到的包裹外箱严重变形，里面的配件已经摔坏，",
  "退货已经寄回十五天，退款仍未到账，",
  "贷款合同里多出一笔两千元的手续费，销售当时并未说明，",
  "购车时销售顾问承诺赠送脚垫和贴膜，交车时却说没有，",
  "维修结算金额比报价高出近一倍，",
  "预约了上午九点保养，等到中午十二点才开始施工，",
  "前台接待人员态度冷淡，问题没有人解释，",
  "开具的发票抬头和税号都写错了，公司无法报销，",
  "新车提车第二天就发现左前门有划痕，",
  "空调开到最低温度也不凉，已经检查过两次，",
  "更换轮胎之后方向盘一直往右偏，",
  "洗车以后发现放在后座的雨伞和充电器不见了，",
};
static const char *const details[] = {
  "当时工作人员说是正常现象，",
  "打了好几次电话都没有人回复，",
  "经理答应三天内给答复，至今没有消息，",
  "客户提供了照片和维修单作为证据，",
  "客户表示已经是第二次遇到这种情况，",
  "客户称家里老人生病急需用车，",
  "客户说朋友也遇到过同样的问题，",
  "",
};
static const char *const closers[] = {
  "希望公司尽快处理。", "要求给出书面说明。", "如果不解决将向12315投诉。",
  "客户对处理结果非常不满。", "请相关部门尽快联系客户。", "客户要求经理亲自回电。",
};
static const char *const demands[] = {
  "赔偿损失并道歉", "尽快修好车辆", "全额退款", "退还多收的费用",
  "兑现赠品承诺", "更换新的配件", "重新开具发票", "给出书面解释",
  "免费重新保养一次", "赔偿误工费和交通费",
};
static const char *const plan_texts[] = {
  "向客户当面致歉并说明原因", "免费重新检修并提供代步车", "按发票金额全额退款",
  "补发赠品并赠送一次保养", "更换同型号新配件", "按实际损失给予补偿",
};
static const char *const close_reasons[] = {
  "客户满意，回访结案", "三次回访均未联系上客户，按规定结案",
};
static const char *const withdraw_reasons[] = {
  "客户表示问题已自行解决，撤回投诉", "客户与销售顾问协商一致，撤诉",
};
static const char *const invalid_reasons[] = {
  "属于保险公司理赔范围，非我公司责任", "快递公司运输责任，转交物流公司处理",
  "属于厂家质量问题，转交厂家客服",
};
static const char *const transfer_parties[] = {
  "某某财产保险公司北京分公司", "顺达物流北京转运中心", "某某汽车厂家客户关怀中心",
};

/* ---- the generator state ---------------------------------------------------- */

struct ids {
  int64_t *v;
  size_t n;
};

/* A handling department with its handlers (for assignee_id). */
struct dept {
  int64_t id;
  struct ids handlers;
};

/* Fields marked (w) are touched only by jobs, which all run on the store's
 * writer thread one at a time; (m) ones are shared under lock. */
struct gen {
  struct rd_store *st;
  pthread_mutex_t lock;
  int64_t next;              /* (m) first complaint index not yet claimed */
  int64_t written;           /* (m) complaints committed */
  bool failed;               /* (m) a job failed: submitters stop */
  struct rd_error err;       /* (m) the first failure */
  struct rd_arena *a;        /* (m) the arena of the job being generated */
  uint64_t rng;
  int64_t now;
  int64_t start;             /* received_at of the first complaint */
  double step_s;             /* seconds between consecutive complaints */
  int64_t count;             /* complaints asked for */
  int batch;                 /* complaints per job */
  int64_t customers;         /* distinct customers created so far */
  int64_t first_id, last_id; /* (m) ids this run committed, for the report */
  /* (m) Ids of recently committed complaints, for merged_into: on
   * PostgreSQL ids have gaps (a retried transaction burns its sequence
   * values), so a merge target must be one seen committed. */
  int64_t recent[4096];
  size_t n_recent, recent_at;
  const char *zone;
  const char *prefix;
  struct ids agents, categories, sites;
  struct dept *depts;
  size_t n_depts;
  /* Cache of the local day of the last registered_at. */
  int64_t day_lo, day_hi;
  char day_prefix[48];
  int64_t status_counts[RD_STATE_COUNT];
};

/* splitmix64: small, fast, and good enough for picking phrases. */
static uint64_t
next_random(struct gen *g)
{
  uint64_t z = (g->rng += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* Uniform in [0, n); n > 0. */
static uint64_t
pick(struct gen *g, uint64_t n)
{
  return next_random(g) % n;
}

static int64_t
between(struct gen *g, int64_t lo, int64_t hi)
{
  return hi <= lo ? lo : lo + (int64_t)pick(g, (uint64_t)(hi - lo));
}

/* Index chosen by weight from w[0..n). */
static size_t
pick_weighted(struct gen *g, const int *w, size_t n)
{
  int total = 0, r;
  for (size_t i = 0; i < n; i++)
    total += w[i];
  r = (int)pick(g, (uint64_t)total);
  for (size_t i = 0; i < n; i++) {
    if (r < w[i])
      return i;
    r -= w[i];
  }
  return n - 1;
}

#define PHRASE(g, t) ((t)[pick((g), COUNT(t))])

static void
ids_push(struct ids *s, int64_t id)
{
  s->v = rd_xrealloc(s->v, (s->n + 1) * sizeof *s->v);
  s->v[s->n++] = id;
}

static int64_t
ids_pick(struct gen *g, const struct ids *s)
{
  return s->n ? s->v[pick(g, s->n)] : 0;
}

/* ---- what a complaint looks like at its age ---------------------------------- */

/* Status mix by age: fresh complaints are still being worked, old ones are
 * mostly closed; some old ones are stuck (overdue work for the queue). */
static const struct {
  int64_t max_age_s;
  int w[RD_STATE_COUNT];
} status_mix[] = {
  { 2 * DAY, {
    [RD_STATE_REGISTERED] = 20, [RD_STATE_ASSIGNED] = 35,
    [RD_STATE_IN_PROGRESS] = 35, [RD_STATE_PENDING_APPROVAL] = 5,
    [RD_STATE_EXECUTING] = 5 } },
  { 14 * DAY, {
    [RD_STATE_REGISTERED] = 2, [RD_STATE_ASSIGNED] = 15,
    [RD_STATE_IN_PROGRESS] = 25, [RD_STATE_PENDING_APPROVAL] = 5,
    [RD_STATE_EXECUTING] = 8, [RD_STATE_RESOLVED] = 15,
    [RD_STATE_TRANSFERRED] = 3, [RD_STATE_CLOSED] = 22,
    [RD_STATE_WITHDRAWN] = 3, [RD_STATE_MERGED] = 2 } },
  { INT64_MAX, {
    [RD_STATE_ASSIGNED] = 1, [RD_STATE_IN_PROGRESS] = 2,
    [RD_STATE_EXECUTING] = 1, [RD_STATE_RESOLVED] = 1,
    [RD_STATE_TRANSFERRED] = 1, [RD_STATE_CLOSED] = 84,
    [RD_STATE_WITHDRAWN] = 6, [RD_STATE_MERGED] = 4 } },
};

static const int channel_weight[RD_CHANNEL_COUNT] = {
  [RD_CHANNEL_PHONE] = 32, [RD_CHANNEL_WALK_IN] = 18, [RD_CHANNEL_WEB] = 12,
  [RD_CHANNEL_EMAIL] = 6,  [RD_CHANNEL_LETTER] = 4,   [RD_CHANNEL_SOCIAL] = 9,
  [RD_CHANNEL_REGULATOR] = 6, [RD_CHANNEL_INTERNAL] = 7, [RD_CHANNEL_API] = 6,
};

static const int severity_weight[] = { 0, 30, 35, 20, 10, 5 };

/* Working-time targets approximated in calendar time: serious ones are due sooner. */
static const int64_t resolve_target_s[] = { 3 * DAY, 3 * DAY, 3 * DAY, 2 * DAY,
                                            2 * DAY, 1 * DAY };

static const int plan_weight[RD_PLAN_COUNT] = {
  [RD_PLAN_APOLOGY] = 20, [RD_PLAN_EXPLANATION] = 15, [RD_PLAN_REFUND] = 15,
  [RD_PLAN_REDELIVERY] = 5, [RD_PLAN_REPAIR] = 20, [RD_PLAN_REPLACEMENT] = 10,
  [RD_PLAN_COMPENSATION] = 10, [RD_PLAN_OTHER] = 5,
};

static int64_t
at_most(int64_t t, int64_t limit)
{
  return t < limit ? t : limit;
}

/* The customer with index k: the same k always gives the same person. The
 * phone is a bijection of k (3^18 is coprime to 10^9), so phones are unique. */
static void
make_customer(struct gen *g, int64_t k, struct rd_customer *cu)
{
  uint64_t digits = ((uint64_t)k * 387420489ULL) % 1000000000ULL;
  size_t ns = COUNT(surnames), ng = COUNT(given_names);

  memset(cu, 0, sizeof *cu);
  cu->name = rd_arena_sprintf(g->a, "%s%s", surnames[k % (int64_t)ns],
                              given_names[(k / (int64_t)ns) % (int64_t)ng]);
  cu->phone = rd_arena_sprintf(g->a, "%s%09" PRIu64, phone_heads[k % 3], digits);
  if (k % 10 == 0)
    cu->email = rd_arena_sprintf(g->a, "c%" PRId64 "@example.com", k);
  if (k % 3 != 2)
    cu->refs_json = rd_arena_sprintf(g->a, "{\"plate\":\"%s%05" PRId64 "\"}",
                                     plate_prefixes[k % (int64_t)COUNT(plate_prefixes)],
                                     (k * 7919) % 100000);
}

/* The complaint number prefix for t: number_prefix + local date. */
static const char *
day_prefix_of(struct gen *g, int64_t t)
{
  struct rd_civil cv;

  if (t >= g->day_lo && t < g->day_hi)
    return g->day_prefix;
  rd_time_civil(t, g->zone, &cv);
  snprintf(g->day_prefix, sizeof g->day_prefix, "%s%04d%02d%02d", g->prefix,
           cv.year, cv.month, cv.day);
  g->day_lo = t - (cv.hour * HOUR + cv.minute * MINUTE + cv.second);
  g->day_hi = g->day_lo + DAY; /* a DST day would only end the cache early */
  return g->day_prefix;
}

/* Fills c as complaint number i of the run would look like today. */
static void
make_complaint(struct gen *g, int64_t i, struct rd_complaint *c)
{
  int64_t received = g->start + (int64_t)((double)i * g->step_s) +
                     (int64_t)pick(g, (uint64_t)(g->step_s > 1 ? g->step_s : 1));
  int64_t age, cust;
  size_t mix = 0;
  enum rd_state s;
  struct dept *d;

  memset(c, 0, sizeof *c);
  received = at_most(received, g->now - 2 * MINUTE);
  age = g->now - received;
  while (age > status_mix[mix].max_age_s)
    mix++;
  s = (enum rd_state)pick_weighted(g, status_mix[mix].w, RD_STATE_COUNT);
  if (s == RD_STATE_MERGED && g->n_recent == 0)
    s = RD_STATE_WITHDRAWN; /* nothing to merge into yet */
  g->status_counts[s]++;

  c->status = s;
  c->channel = (enum rd_channel)pick_weighted(g, channel_weight, RD_CHANNEL_COUNT);
  c->received_at = received;
  c->registered_at = at_most(received + between(g, 0, 2 * HOUR), g->now - MINUTE);
  c->registered_by = ids_pick(g, &g->agents);
  if (c->channel == RD_CHANNEL_REGULATOR)
    c->external_ref = rd_arena_sprintf(g->a, "12315-%010" PRIu64,
                                       pick(g, 10000000000ULL));

  /* 30% are repeat customers. */
  if (g->customers > 0 && pick(g, 10) < 3)
    cust = (int64_t)pick(g, (uint64_t)g->customers);
  else
    cust = g->customers++;
  make_customer(g, cust, &c->customer);

  c->subject = PHRASE(g, subjects);
  c->content = rd_arena_sprintf(g->a, "%s%s%s%s", PHRASE(g, openers),
                                PHRASE(g, problems), PHRASE(g, details),
                                PHRASE(g, closers));
  c->demands = PHRASE(g, demands);
  c->anger = 1 + (int)pick(g, 5);
  c->satisfied = -1;
  c->site_id = ids_pick(g, &g->sites);
  if (pick(g, 20) == 0)
    c->tags_json = "[\"重复投诉\"]";

  if (s == RD_STATE_REGISTERED) {
    c->due_at = received + 30 * MINUTE;
    return;
  }
  if (s == RD_STATE_TRANSFERRED ||
      (s == RD_STATE_CLOSED && pick(g, 10) == 0)) { /* invalid ones */
    size_t k = pick(g, COUNT(invalid_reasons));
    c->validity = RD_VALIDITY_INVALID;
    c->invalid_reason = invalid_reasons[k];
    c->transfer.to_party = transfer_parties[k];
    c->transfer.contact_person = "客服专员";
    c->transfer.contact_phone = "400-800-1234";
    c->transfer.contact_address = "北京市朝阳区某某路88号";
    if (s == RD_STATE_TRANSFERRED) {
      c->due_at = c->registered_at + DAY;
    } else {
      c->closed_at = at_most(c->registered_at + between(g, HOUR, 2 * DAY), g->now);
      c->close_reason = "已向客户解释并告知对接单位";
    }
    return;
  }

  /* Valid: triaged to a handling department. */
  c->validity = RD_VALIDITY_VALID;
  c->category_id = ids_pick(g, &g->categories);
  c->severity = (int)pick_weighted(g, severity_weight, COUNT(severity_weight));
  d = &g->depts[pick(g, g->n_depts)];
  c->department_id = d->id;
  if (s != RD_STATE_ASSIGNED || pick(g, 10) < 6)
    c->assignee_id = ids_pick(g, &d->handlers);
  if (s == RD_STATE_WITHDRAWN || s == RD_STATE_MERGED) {
    c->closed_at = at_most(c->registered_at + between(g, HOUR, 3 * DAY), g->now);
    if (s == RD_STATE_WITHDRAWN)
      c->close_reason = PHRASE(g, withdraw_reasons);
    else
      c->merged_into = g->recent[pick(g, g->n_recent)];
    return;
  }
  if (s == RD_STATE_ASSIGNED) {
    c->due_at = received + resolve_target_s[c->severity];
    return;
  }
  c->first_contact_at = at_most(c->registered_at + between(g, 10 * MINUTE, 6 * HOUR),
                                g->now);
  if (s != RD_STATE_IN_PROGRESS) {
    c->plan.present = true;
    c->plan.kind = (enum rd_plan_kind)pick_weighted(g, plan_weight, RD_PLAN_COUNT);
    c->plan.description = PHRASE(g, plan_texts);
    if (rd_plan_kind_is_money(c->plan.kind)) {
      c->plan.has_amount = true;
      c->plan.amount_fen = between(g, 50, 2000) * 100;
    }
    c->plan.needs_approval = c->severity >= 5 || c->plan.has_amount;
  }
  if (s == RD_STATE_IN_PROGRESS || s == RD_STATE_PENDING_APPROVAL ||
      s == RD_STATE_EXECUTING) {
    c->due_at = received + resolve_target_s[c->severity];
    return;
  }
  c->resolved_at = at_most(c->first_contact_at + between(g, HOUR, 5 * DAY), g->now);
  if (s == RD_STATE_RESOLVED) {
    c->due_at = c->resolved_at + 7 * DAY;
    return;
  }
  /* Closed after a follow-up visit. */
  c->closed_at = at_most(c->resolved_at + between(g, HOUR, 5 * DAY), g->now);
  if (pick(g, 100) < 8) {
    c->close_reason = close_reasons[1];
    c->followup_attempts = 3;
  } else {
    c->close_reason = close_reasons[0];
    c->followup_attempts = 1;
    c->satisfied = 1;
    c->satisfaction_score = 3 + (int)pick(g, 3);
    if (pick(g, 100) < 7)
      c->reopen_count = 1;
  }
}

/* ---- writing --------------------------------------------------------------- */

/* A submitter's job: the complaints it generated, in its own arena, and
 * the ids they got once written. */
struct job {
  struct gen *g;
  struct rd_arena *a;
  int64_t n;
  struct rd_complaint *cs;
  const char **prefixes; /* each complaint's number prefix (its local day) */
  int64_t *ids;          /* the ids they got */
  int64_t *by_phone;     /* indexes into cs ordered by customer phone */
  int64_t min_id, max_id;
};

/* qsort has no context argument: the job being sorted, per thread. */
static _Thread_local const struct job *sorting_job;

static int
by_phone_cmp(const void *a, const void *b)
{
  const struct rd_complaint *cs = sorting_job->cs;
  return strcmp(cs[*(const int64_t *)a].customer.phone,
                cs[*(const int64_t *)b].customer.phone);
}

/* Claims the next (up to) batch complaint indexes and fills them in, under
 * the gen's lock: one fixed-seed generator picks everything in index order
 * whichever thread asks. */
static void
generate_job(struct gen *g, struct job *j)
{
  int64_t from;

  rd_arena_reset(j->a);
  pthread_mutex_lock(&g->lock);
  from = g->next;
  j->n = g->count - from < g->batch ? g->count - from : g->batch;
  g->next += j->n;
  j->cs = rd_arena_alloc(j->a, (size_t)(j->n ? j->n : 1) * sizeof *j->cs);
  j->prefixes = rd_arena_alloc(j->a, (size_t)(j->n ? j->n : 1) * sizeof *j->prefixes);
  j->ids = rd_arena_alloc(j->a, (size_t)(j->n ? j->n : 1) * sizeof *j->ids);
  j->by_phone = rd_arena_alloc(j->a, (size_t)(j->n ? j->n : 1) * sizeof *j->by_phone);
  g->a = j->a; /* make_complaint's strings go to this job's arena */
  for (int64_t k = 0; k < j->n; k++) {
    make_complaint(g, from + k, &j->cs[k]);
    j->prefixes[k] = rd_arena_strdup(j->a, day_prefix_of(g, j->cs[k].registered_at));
  }
  g->a = NULL;
  pthread_mutex_unlock(&g->lock);
  for (int64_t k = 0; k < j->n; k++)
    j->by_phone[k] = k;
  sorting_job = j;
  qsort(j->by_phone, (size_t)j->n, sizeof *j->by_phone, by_phone_cmp);
}

/* Writes a job's complaints as a real registration would. On SQLite it runs
 * on the store's writer thread; on PostgreSQL on the submitter's own, beside
 * the others, and again from the start if the server asks for a retry. */
static enum rd_status
write_job(struct rd_tx *tx, void *arg, struct rd_error *err)
{
  struct job *j = arg;
  enum rd_status rc = RD_OK;

  j->min_id = j->max_id = 0;
  /* Customers first, in one order for every job (by phone): side by side
   * on PostgreSQL, two jobs locking the same two repeat customers in
   * opposite orders would deadlock and be retried again and again. The day
   * counters that follow are taken in ascending days, like every job. */
  for (int64_t k = 0; k < j->n; k++) {
    struct rd_customer *cu = &j->cs[j->by_phone[k]].customer;
    rc = rd_tx_customer_upsert(tx, cu, j->cs[j->by_phone[k]].registered_at, err);
    if (rc != RD_OK)
      goto out;
  }
  for (int64_t k = 0; k < j->n; k++) {
    struct rd_complaint c = j->cs[k];
    struct rd_event ev = {0};

    rc = rd_tx_next_number(tx, j->prefixes[k], j->a, &c.number, err);
    if (rc != RD_OK)
      goto out;
    rc = rd_tx_complaint_insert(tx, &c, err);
    if (rc != RD_OK)
      goto out;
    ev.complaint_id = c.id;
    ev.at = c.registered_at;
    ev.actor_id = c.registered_by;
    ev.type = RD_EVENT_REGISTERED;
    ev.from_status = -1;
    ev.to_status = RD_STATE_REGISTERED;
    rc = rd_tx_event_append(tx, &ev, err);
    if (rc != RD_OK)
      goto out;
    j->ids[k] = c.id;
    if (j->min_id == 0 || c.id < j->min_id)
      j->min_id = c.id;
    if (c.id > j->max_id)
      j->max_id = c.id;
  }
out:
  return rc;
}

/* A submitter thread: generates and writes jobs until every complaint is
 * claimed. The complaints of a job are counted once rd_store_write says
 * they are durable; only then may later complaints be merged into them. */
static void *
submit_main(void *arg)
{
  struct gen *g = arg;
  struct job j = { .g = g, .a = rd_arena_new() };

  for (;;) {
    struct rd_error err = {0};
    enum rd_status rc;

    pthread_mutex_lock(&g->lock);
    if (g->failed || g->next >= g->count) {
      pthread_mutex_unlock(&g->lock);
      break;
    }
    pthread_mutex_unlock(&g->lock);

    generate_job(g, &j);
    if (j.n == 0)
      break;
    rc = rd_store_write(g->st, write_job, &j, &err);

    pthread_mutex_lock(&g->lock);
    if (rc != RD_OK && !g->failed) {
      g->failed = true;
      g->err = err;
    } else if (rc == RD_OK) {
      g->written += j.n;
      if (g->first_id == 0 || j.min_id < g->first_id)
        g->first_id = j.min_id;
      if (j.max_id > g->last_id)
        g->last_id = j.max_id;
      for (int64_t k = 0; k < j.n; k++) {
        g->recent[g->recent_at] = j.ids[k];
        g->recent_at = (g->recent_at + 1) % COUNT(g->recent);
        if (g->n_recent < COUNT(g->recent))
          g->n_recent++;
      }
    }
    pthread_mutex_unlock(&g->lock);
  }
  rd_arena_free(j.a);
  return NULL;
}

/* ---- setup ----------------------------------------------------------------- */

/* Reads the organisation `redress init --demo` made. */
static enum rd_status
load_org(struct gen *g, struct rd_error *err)
{
  struct rd_arena *a = rd_arena_new();
  struct rd_department *deps;
  struct rd_category *cats;
  struct rd_site *sites;
  struct rd_user *users;
  size_t nd, nc, ns, nu;
  const char *v;
  enum rd_status rc;

  rc = rd_store_department_list(g->st, a, &deps, &nd, err);
  if (rc == RD_OK)
    rc = rd_store_category_list(g->st, a, &cats, &nc, err);
  if (rc == RD_OK)
    rc = rd_store_site_list(g->st, a, &sites, &ns, err);
  if (rc == RD_OK)
    rc = rd_store_user_list(g->st, a, &users, &nu, err);
  if (rc != RD_OK)
    goto out;

  /* Departments that handle complaints: those with a handler or manager. */
  g->depts = rd_xcalloc(nd ? nd : 1, sizeof *g->depts);
  for (size_t i = 0; i < nd; i++) {
    struct dept *d = &g->depts[g->n_depts];
    if (!deps[i].active)
      continue;
    d->id = deps[i].id;
    for (size_t u = 0; u < nu; u++)
      if (users[u].department_id == d->id &&
          (users[u].role == RD_ROLE_HANDLER || users[u].role == RD_ROLE_MANAGER))
        ids_push(&d->handlers, users[u].id);
    if (d->handlers.n)
      g->n_depts++;
  }
  for (size_t u = 0; u < nu; u++)
    if (users[u].role == RD_ROLE_AGENT)
      ids_push(&g->agents, users[u].id);
  /* Leaf-ish categories (level 2 and below) when there are any. */
  for (int pass = 0; pass < 2 && g->categories.n == 0; pass++)
    for (size_t i = 0; i < nc; i++)
      if (cats[i].active && (pass == 1 || cats[i].level >= 2))
        ids_push(&g->categories, cats[i].id);
  for (size_t i = 0; i < ns; i++)
    if (sites[i].active)
      ids_push(&g->sites, sites[i].id);

  if (g->n_depts == 0 || g->agents.n == 0 || g->categories.n == 0 ||
      g->sites.n == 0) {
    rc = rd_error_set(err, RD_E_INVALID, "db",
                      "the database needs departments with handlers, agents, "
                      "categories and sites: run `redress init --demo` first");
    goto out;
  }

  rc = rd_store_setting_get(g->st, "timezone", a, &v, err);
  if (rc != RD_OK)
    goto out;
  g->zone = rd_xstrdup(v && rd_tz_valid(v) ? v : "Asia/Shanghai");
  rc = rd_store_setting_get(g->st, "number_prefix", a, &v, err);
  if (rc != RD_OK)
    goto out;
  g->prefix = rd_xstrdup(v && v[0] ? v : "TS");
out:
  rd_arena_free(a);
  return rc;
}

static void
usage(FILE *f)
{
  fprintf(f,
    "usage: gen --db FILE [--count N] [--seed N] [--batch N] [--submitters N]\n"
    "Appends N (default 1000000) realistic complaints over the last %d days\n"
    "to a database made by `redress init --demo`, through the store port:\n"
    "jobs of B (default 32) complaints from S (default 4) threads, which the\n"
    "store group-commits. Same seed and count, same complaints (dated\n"
    "relative to now).\n", SPAN_DAYS);
}

static bool
parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
  char *end;
  long long v;

  errno = 0;
  v = strtoll(s, &end, 10);
  if (errno || end == s || *end || v < lo || v > hi)
    return false;
  *out = v;
  return true;
}

/* Prints "done/count (pct) rate now, rate overall". */
static void
print_progress(int64_t done, int64_t count, double now_rate, double rate)
{
  printf("gen: %" PRId64 "/%" PRId64 " (%.0f%%) %.0f/s now, %.0f/s overall\n",
         done, count, 100.0 * (double)done / (double)count, now_rate, rate);
  fflush(stdout);
}

int
main(int argc, char **argv)
{
  struct gen g = {0};
  struct rd_error err = {0};
  const char *db = NULL;
  int64_t count = 1000000, seed = 20261120, batch = 32, submitters = 4;
  int64_t t0, t_last, last_done = 0;
  pthread_t threads[64];
  int started = 0, status = 1;

  for (int i = 1; i < argc; i++) {
    const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    bool ok = v != NULL;
    if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
      usage(stdout);
      return 0;
    } else if (strcmp(o, "--db") == 0 && v) {
      db = v;
    } else if (strcmp(o, "--count") == 0 && v) {
      ok = parse_int(v, 1, INT64_C(1000000000), &count);
    } else if (strcmp(o, "--seed") == 0 && v) {
      ok = parse_int(v, 0, INT64_MAX, &seed);
    } else if (strcmp(o, "--batch") == 0 && v) {
      ok = parse_int(v, 1, 100000, &batch);
    } else if (strcmp(o, "--submitters") == 0 && v) {
      ok = parse_int(v, 1, (int64_t)COUNT(threads), &submitters);
    } else {
      ok = false;
    }
    if (!ok) {
      fprintf(stderr, "gen: bad option %s%s%s\n", o, v ? " " : "", v ? v : "");
      usage(stderr);
      return 2;
    }
    i++;
  }
  if (db == NULL) {
    usage(stderr);
    return 2;
  }

  pthread_mutex_init(&g.lock, NULL);
  if (rd_store_open(db, &g.st, &err) != RD_OK ||
      load_org(&g, &err) != RD_OK)
    goto out;

  g.rng = (uint64_t)seed;
  g.now = rd_time_now();
  g.start = g.now - (int64_t)SPAN_DAYS * DAY;
  g.step_s = (double)SPAN_DAYS * DAY / (double)count;
  g.count = count;
  g.batch = (int)batch;
  printf("gen: %" PRId64 " complaints into %s (seed %" PRId64 ", jobs of %" PRId64
         " from %" PRId64 " threads, %zu departments, zone %s)\n",
         count, db, seed, batch, submitters, g.n_depts, g.zone);
  fflush(stdout);

  t0 = t_last = rd_time_mono_ms();
  for (; started < submitters; started++)
    if (pthread_create(&threads[started], NULL, submit_main, &g) != 0) {
      rd_error_set(&err, RD_E_INTERNAL, "", "cannot start a thread");
      pthread_mutex_lock(&g.lock);
      g.failed = true;
      pthread_mutex_unlock(&g.lock);
      break;
    }
  for (;;) {
    struct timespec nap = { 0, 100 * 1000 * 1000 };
    int64_t done, t;
    bool over;

    nanosleep(&nap, NULL);
    pthread_mutex_lock(&g.lock);
    done = g.written;
    over = g.failed || done >= count;
    pthread_mutex_unlock(&g.lock);
    t = rd_time_mono_ms();
    if (t - t_last >= 5000 && !over) {
      print_progress(done, count,
                     (double)(done - last_done) * 1000.0 / (double)(t - t_last),
                     (double)done * 1000.0 / (double)(t - t0 + 1));
      t_last = t;
      last_done = done;
    }
    if (over)
      break;
  }
  for (int i = 0; i < started; i++)
    pthread_join(threads[i], NULL);
  if (g.failed) {
    if (err.code == RD_OK)
      err = g.err;
    goto out;
  }
  {
    double secs = (double)(rd_time_mono_ms() - t0) / 1000.0;
    printf("gen: done: %" PRId64 " complaints (ids %" PRId64 "-%" PRId64
           ", %" PRId64 " customers) in %.1f s, %.0f/s\n",
           g.written, g.first_id, g.last_id, g.customers, secs,
           (double)g.written / (secs > 0 ? secs : 1));
    printf("gen: status");
    for (int s = 0; s < RD_STATE_COUNT; s++)
      printf(" %s=%" PRId64, rd_state_name((enum rd_state)s), g.status_counts[s]);
    printf("\n");
  }
  status = 0;
out:
  if (status != 0)
    fprintf(stderr, "gen: %s%s%s\n", err.field[0] ? err.field : "",
            err.field[0] ? ": " : "", err.detail[0] ? err.detail : "failed");
  rd_store_close(g.st);
  for (size_t i = 0; i < g.n_depts; i++)
    free(g.depts[i].handlers.v);
  free(g.depts);
  free(g.agents.v);
  free(g.categories.v);
  free(g.sites.v);
  free((char *)g.zone);
  free((char *)g.prefix);
  pthread_mutex_destroy(&g.lock);
  return status;
}
