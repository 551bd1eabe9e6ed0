/* util/message.c - lookups in the generated Chinese catalog (binary search). */
#include "util/message.h"

#include <string.h>

const char *
rd_message_zh(const char *en)
{
  if (!en)
    return NULL;
  size_t lo = 0, hi = rd_messages_zh_count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(en, rd_messages_zh[mid].en);
    if (c == 0)
      return rd_messages_zh[mid].zh;
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return NULL;
}

const char *
rd_message(const char *en, enum rd_lang lang)
{
  const char *zh = lang == RD_LANG_ZH ? rd_message_zh(en) : NULL;
  return zh ? zh : en;
}

const char *
rd_lang_tag(enum rd_lang lang)
{
  return lang == RD_LANG_EN ? "en" : "zh-CN";
}
