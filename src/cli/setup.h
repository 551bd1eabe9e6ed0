/* cli/setup.h - what `redress init` creates: the default organisation, the
 * industry preset names, the demo users and the demo complaints.
 *
 * Private to src/cli. Everything is written through the service as the system
 * principal, never with SQL, so the same validation applies as over HTTP.
 */
#ifndef RD_CLI_SETUP_H
#define RD_CLI_SETUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/complaint.h"
#include "util/status.h"

struct rd_service;

enum { RD_CLI_ORG_MAX = 64 };

/* Ids of what rd_cli_org_create() made, parallel to its tables. */
struct rd_cli_org {
  int64_t department_ids[RD_CLI_ORG_MAX];
  int64_t site_ids[RD_CLI_ORG_MAX];
  int64_t category_ids[RD_CLI_ORG_MAX];
  int64_t calendar_id;
  int64_t policy_id;
};

/* Creates departments, sites, the category tree (levels 1-3), the default
 * business calendar (with the PRC 2025-2026 holidays) and the default SLA
 * policy on it. Fails with the service's error (field named) on the first
 * refusal; what was created before stays. */
enum rd_status rd_cli_org_create(struct rd_service *svc, struct rd_cli_org *out,
                                 struct rd_error *err);

/* Id of the department / site with this code, or of the category with this
 * key (the short English key of the default tree, e.g. "engine_noise");
 * 0 when unknown. */
int64_t rd_cli_org_department(const struct rd_cli_org *o, const char *code);
int64_t rd_cli_org_site(const struct rd_cli_org *o, const char *code);
int64_t rd_cli_org_category(const struct rd_cli_org *o, const char *key);

/* The site codes of the default organisation, in creation order. */
size_t rd_cli_org_site_count(void);
const char *rd_cli_org_site_code(size_t i);

/* Whether name is one of SPEC §8's presets. */
bool rd_cli_preset_valid(const char *name);
/* "swimming-venue, car-dealer, ..." for messages. */
const char *rd_cli_preset_list(void);

/* A demo account: one per role, plus a handler or manager per department. */
struct rd_cli_demo_user {
  const char *username;
  const char *display_name;
  enum rd_role role;
  const char *department;   /* code, or NULL */
};

enum { RD_CLI_DEMO_USERS_MAX = 16 };
extern const struct rd_cli_demo_user RD_CLI_DEMO_USERS[];
extern const size_t RD_CLI_DEMO_USERS_COUNT;

/* What the demo loader made, for the closing summary. */
struct rd_cli_demo_stats {
  int complaints;
  int events;
  int by_status[RD_STATE_COUNT];
  int by_channel[RD_CHANNEL_COUNT];
};

/* Creates the demo users (all with `password`) and about `count` complaints
 * received over the 90 days before `now`, walking each through the workflow
 * as the demo users with the service clock set back to each step's moment.
 * The same seed gives the same data (relative to now). Restores the service
 * clock before returning. */
enum rd_status rd_cli_demo_load(struct rd_service *svc,
                                const struct rd_cli_org *org,
                                const char *password, int64_t now,
                                uint64_t seed, int count,
                                struct rd_cli_demo_stats *stats,
                                struct rd_error *err);

#endif
