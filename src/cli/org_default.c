/* cli/org_default.c - the organisation every new database starts with.
 *
 * Departments and their duties follow the car-dealer seed (001): customer
 * service takes complaints and follows up, the responsible departments handle
 * them, the general manager's office approves. The category tree is levels 1-3
 * (the agent's choice at intake; level 4 is the handler's, added later).
 * One table per kind of record: change the organisation here, not in code.
 */
#include "cli/setup.h"

#include <string.h>

#include "core/org.h"
#include "core/policy.h"
#include "util/time.h"
#include "service/service.h"

static const struct { const char *code, *name; } departments[] = {
  {"customer_service", "客户服务部"},
  {"after_sales",      "售后服务部"},
  {"sales",            "销售部"},
  {"finance",          "财务部"},
  {"parts",            "备品部"},
  {"general_affairs",  "综合部"},
  {"gm_office",        "总经理室"},
};

static const struct { const char *code, *name; } sites[] = {
  {"bj01", "北京朝阳店"},
  {"bj02", "北京海淀店"},
  {"sh01", "上海浦东店"},
};

/* Parents come before their children; key is how the demo refers to them. */
static const struct { const char *key, *parent, *name; } categories[] = {
  {"quality",            NULL,            "产品质量"},
  {"q_vehicle",          "quality",       "车辆故障"},
  {"engine_noise",       "q_vehicle",     "发动机异响"},
  {"gearbox",            "q_vehicle",     "变速箱顿挫"},
  {"aircon",             "q_vehicle",     "空调不制冷"},
  {"brakes",             "q_vehicle",     "制动系统异常"},
  {"electrical",         "q_vehicle",     "电气故障"},
  {"q_goods",            "quality",       "商品质量"},
  {"accessory_defect",   "q_goods",       "精品附件质量问题"},
  {"part_defect",        "q_goods",       "配件质量问题"},

  {"attitude",           NULL,            "服务态度"},
  {"att_reception",      "attitude",      "接待人员"},
  {"att_cold",           "att_reception", "态度冷淡"},
  {"att_shirk",          "att_reception", "推诿责任"},
  {"att_promise",        "att_reception", "承诺未兑现"},
  {"att_phone",          "attitude",      "电话客服"},
  {"att_noanswer",       "att_phone",     "电话无人接听"},
  {"att_unprofessional", "att_phone",     "答复不专业"},

  {"repair",             NULL,            "维修质量"},
  {"rep_rework",         "repair",        "返修"},
  {"rep_repeat",         "rep_rework",    "同一故障多次维修"},
  {"rep_new_issue",      "rep_rework",    "维修后出现新问题"},
  {"rep_process",        "repair",        "维修过程"},
  {"rep_scratch",        "rep_process",   "车辆漆面刮伤"},
  {"rep_lost_item",      "rep_process",   "车内物品丢失"},

  {"price",              NULL,            "价格收费"},
  {"price_repair",       "price",         "维修收费"},
  {"price_opaque",       "price_repair",  "收费不透明"},
  {"price_extra",        "price_repair",  "未经同意增加项目"},
  {"price_finance",      "price",         "金融保险费用"},
  {"price_loan_fee",     "price_finance", "贷款手续费争议"},
  {"price_insurance",    "price_finance", "续保报价"},
  {"price_refund",       "price",         "退款"},
  {"price_refund_slow",  "price_refund",  "退款不到账"},

  {"delivery",           NULL,            "交付时效"},
  {"del_newcar",         "delivery",      "新车交付"},
  {"del_late",           "del_newcar",    "延期交车"},
  {"del_documents",      "del_newcar",    "随车资料缺失"},
  {"del_parts",          "delivery",      "配件到货"},
  {"del_backorder",      "del_parts",     "配件缺货等待过久"},
  {"del_damaged",        "del_parts",     "快递运输损坏"},
  {"del_lost",           "del_parts",     "快递丢件"},
  {"del_repair",         "delivery",      "维修交车"},
  {"del_repair_late",    "del_repair",    "维修超时"},

  {"facility",           NULL,            "设施环境"},
  {"fac_lounge",         "facility",      "客户休息区"},
  {"fac_locker",         "fac_lounge",    "储物柜损坏"},
  {"fac_clean",          "fac_lounge",    "卫生状况差"},
  {"fac_parking",        "facility",      "停车场"},
  {"fac_parking_space",  "fac_parking",   "车位不足与停车管理"},
};

_Static_assert(sizeof departments / sizeof departments[0] <= RD_CLI_ORG_MAX, "org table");
_Static_assert(sizeof sites / sizeof sites[0] <= RD_CLI_ORG_MAX, "org table");
_Static_assert(sizeof categories / sizeof categories[0] <= RD_CLI_ORG_MAX, "org table");

/* The default business calendar: Monday to Friday 09:00-12:00 and
 * 13:30-18:00 in Beijing time, with the public holidays and make-up working
 * days (调休) of the 国务院办公厅 notices for 2025 (2024-11-12) and 2026
 * (2025-11-04). Administrators add later years with PUT /api/v1/calendars. */
static const char *const cn_holidays[] = {
  "2025-01-01",
  "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-02-01",
  "2025-02-02", "2025-02-03", "2025-02-04",
  "2025-04-04", "2025-04-05", "2025-04-06",
  "2025-05-01", "2025-05-02", "2025-05-03", "2025-05-04", "2025-05-05",
  "2025-05-31", "2025-06-01", "2025-06-02",
  "2025-10-01", "2025-10-02", "2025-10-03", "2025-10-04", "2025-10-05",
  "2025-10-06", "2025-10-07", "2025-10-08",
  "2026-01-01", "2026-01-02", "2026-01-03",
  "2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19",
  "2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23",
  "2026-04-04", "2026-04-05", "2026-04-06",
  "2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04", "2026-05-05",
  "2026-06-19", "2026-06-20", "2026-06-21",
  "2026-09-25", "2026-09-26", "2026-09-27",
  "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05",
  "2026-10-06", "2026-10-07",
};
static const char *const cn_workdays[] = {
  "2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",
  "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20",
  "2026-10-10",
};

/* The clocks of API.md's example policy: 30 working minutes to forward, 2
 * working hours to first contact, 3 working days to resolve, a progress
 * report every 3 working days while unresolved, and the follow-up window of
 * day 5 to day 7 (car-dealer seed); resolving does not count while the
 * department waits for the customer. Late steps climb the ladder of the
 * seeds: the assignee, then the department manager, then the general
 * manager, in working time. */
static const char default_clocks[] =
    "[{\"name\":\"forward\",\"start\":\"registered\",\"stop\":\"assigned\",\"target\":\"30m\","
    "\"escalate\":[{\"on\":\"breach\",\"notify\":\"general_manager\"}]},"
    "{\"name\":\"first_contact\",\"start\":\"assigned\",\"stop\":\"in_progress\",\"target\":\"2h\","
    "\"escalate\":[{\"on\":\"breach\",\"notify\":\"assignee\"},"
    "{\"on\":\"breach\",\"after\":\"1h\",\"notify\":\"department_manager\"}]},"
    "{\"name\":\"resolve\",\"start\":\"registered\",\"stop\":\"resolved\",\"target\":\"3d\",\"warn_at\":0.8,"
    "\"pause_in\":[\"waiting\"],"
    "\"escalate\":[{\"on\":\"warn\",\"notify\":\"assignee\"},"
    "{\"on\":\"breach\",\"notify\":\"assignee\"},"
    "{\"on\":\"breach\",\"after\":\"2h\",\"notify\":\"department_manager\"},"
    "{\"on\":\"breach\",\"after\":\"1d\",\"notify\":\"general_manager\"}]},"
    "{\"name\":\"progress\",\"start\":\"assigned\",\"stop\":[\"resolved\",\"closed\"],\"target\":\"3d\","
    "\"restart_on\":\"progress\",\"escalate\":[{\"on\":\"breach\",\"notify\":\"assignee\"}]},"
    "{\"name\":\"follow_up\",\"start\":\"resolved\",\"stop\":\"closed\",\"target\":\"7cd\",\"opens_after\":\"5cd\"}]";

static const char *const presets[] = {
  "swimming-venue", "car-dealer", "bank-insurance", "express-delivery", "retail-store",
};

#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

bool
rd_cli_preset_valid(const char *name)
{
  for (size_t i = 0; i < COUNT(presets); i++)
    if (!strcmp(name, presets[i]))
      return true;
  return false;
}

const char *
rd_cli_preset_list(void)
{
  return "swimming-venue, car-dealer, bank-insurance, express-delivery, retail-store";
}

size_t
rd_cli_org_site_count(void)
{
  return COUNT(sites);
}

const char *
rd_cli_org_site_code(size_t i)
{
  return i < COUNT(sites) ? sites[i].code : NULL;
}

/* Index of the category with this key, or -1. */
static int
category_index(const char *key)
{
  for (size_t i = 0; i < COUNT(categories); i++)
    if (!strcmp(categories[i].key, key))
      return (int)i;
  return -1;
}

enum rd_status
rd_cli_org_create(struct rd_service *svc, struct rd_cli_org *out,
                  struct rd_error *err)
{
  const struct rd_principal *sys = &RD_PRINCIPAL_SYSTEM;
  int levels[COUNT(categories)];
  enum rd_status st;
  memset(out, 0, sizeof *out);

  for (size_t i = 0; i < COUNT(departments); i++) {
    struct rd_department d = {.code = departments[i].code,
                              .name = departments[i].name, .active = true};
    if ((st = rd_service_department_save(svc, sys, &d, err)) != RD_OK)
      return st;
    out->department_ids[i] = d.id;
  }
  for (size_t i = 0; i < COUNT(sites); i++) {
    struct rd_site s = {.code = sites[i].code, .name = sites[i].name, .active = true};
    if ((st = rd_service_site_save(svc, sys, &s, err)) != RD_OK)
      return st;
    out->site_ids[i] = s.id;
  }
  for (size_t i = 0; i < COUNT(categories); i++) {
    int parent = categories[i].parent ? category_index(categories[i].parent) : -1;
    /* The table lists parents first; a typo in it is a bug, not input. */
    if (categories[i].parent && (parent < 0 || (size_t)parent >= i))
      return rd_error_set(err, RD_E_INTERNAL, "parent_id",
                          "category table: bad parent '%s'", categories[i].parent);
    levels[i] = parent < 0 ? 1 : levels[parent] + 1;
    struct rd_category c = {
      .parent_id = parent < 0 ? 0 : out->category_ids[parent],
      .level = levels[i],
      .name = categories[i].name,
      .active = true,
    };
    if ((st = rd_service_category_save(svc, sys, &c, err)) != RD_OK)
      return st;
    out->category_ids[i] = c.id;
  }

  /* Dates listed in order, so the calendar needs no sorting. */
  int32_t holidays[COUNT(cn_holidays)], workdays[COUNT(cn_workdays)];
  const struct rd_day_hours office = { 2, { { 9 * 60, 12 * 60 }, { 13 * 60 + 30, 18 * 60 } } };
  struct rd_calendar cal = {
    .name = "标准工作日(中国大陆)",
    .timezone = "Asia/Shanghai",
    .workday_hours = office,
    .holidays = holidays, .n_holidays = COUNT(cn_holidays),
    .workdays = workdays, .n_workdays = COUNT(cn_workdays),
  };
  for (int d = 0; d < 5; d++)
    cal.week[d] = office;
  for (size_t i = 0; i < COUNT(cn_holidays) + COUNT(cn_workdays); i++) {
    bool hol = i < COUNT(cn_holidays);
    const char *text = hol ? cn_holidays[i] : cn_workdays[i - COUNT(cn_holidays)];
    int64_t day;
    if ((st = rd_date_parse(text, &day, hol ? "holidays" : "workdays", err)) != RD_OK)
      return st;
    (hol ? holidays : workdays)[hol ? i : i - COUNT(cn_holidays)] = (int32_t)day;
  }
  if ((st = rd_service_calendar_save(svc, sys, &cal, err)) != RD_OK)
    return st;
  out->calendar_id = cal.id;

  struct rd_sla_policy p = {
    .name = "默认投诉时限",
    .priority = 100,
    .calendar_id = cal.id,
    .approval = {.always = false, .severity_at_least = 5,
                 .has_amount_over = true, .amount_over_fen = 500 * 100},
    .clocks_json = default_clocks,
  };
  if ((st = rd_service_policy_save(svc, sys, &p, err)) != RD_OK)
    return st;
  out->policy_id = p.id;
  return RD_OK;
}

int64_t
rd_cli_org_department(const struct rd_cli_org *o, const char *code)
{
  for (size_t i = 0; code && i < COUNT(departments); i++)
    if (!strcmp(departments[i].code, code))
      return o->department_ids[i];
  return 0;
}

int64_t
rd_cli_org_site(const struct rd_cli_org *o, const char *code)
{
  for (size_t i = 0; code && i < COUNT(sites); i++)
    if (!strcmp(sites[i].code, code))
      return o->site_ids[i];
  return 0;
}

int64_t
rd_cli_org_category(const struct rd_cli_org *o, const char *key)
{
  int i = key ? category_index(key) : -1;
  return i < 0 ? 0 : o->category_ids[i];
}
