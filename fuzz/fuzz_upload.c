/* fuzz/fuzz_upload.c - attachment and portal photo uploads.
 *
 * Input: the filename query argument, a newline, the Content-Type header,
 * a newline, then the uploaded bytes. The checks are the ones the upload
 * paths make before storing anything: the filename (UTF-8, then
 * rd_svc_filename_check), the staff upload's Content-Type
 * (rd_svc_content_type_valid) and the portal's sniffing of the photo's
 * type by its bytes (rd_portal_image_type). Invariants: a sniffed type is
 * one of the three and its magic bytes are there; an accepted filename
 * has no slash or control character; an accepted Content-Type has a '/'
 * with something on either side.
 */
#include "fuzz_common.h"

#include "core/portal.h"
#include "service/service_int.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct rd_arena *a = rd_arena_new();
  struct rd_error err = {0};
  const char *filename = fuzz_line(a, &data, &size);
  const char *ctype = fuzz_line(a, &data, &size);

  if (rd_http_utf8_valid(filename)) {
    enum rd_status rc = rd_svc_filename_check(filename, &err);
    fuzz_check_outcome(rc, &err);
    if (rc == RD_OK) {
      FUZZ_CHECK(filename[0] != '\0');
      for (const unsigned char *p = (const unsigned char *)filename; *p; p++)
        FUZZ_CHECK(*p >= 0x20 && *p != 0x7f && *p != '/' && *p != '\\');
    }
  }

  if (rd_svc_content_type_valid(ctype)) {
    size_t n = strcspn(ctype, ";");
    const char *slash = memchr(ctype, '/', n);
    FUZZ_CHECK(slash != NULL && slash > ctype && slash < ctype + n - 1);
    FUZZ_CHECK(strlen(ctype) <= 100);
  }

  /* The photo: sniffed on a copy of exactly its bytes, so a read past the
   * end is an ASan report. */
  uint8_t *photo = malloc(size ? size : 1);
  memcpy(photo, data, size);
  const char *type = rd_portal_image_type(photo, size);
  if (type) {
    if (strcmp(type, "image/jpeg") == 0)
      FUZZ_CHECK(size >= 3 && photo[0] == 0xFF && photo[1] == 0xD8 && photo[2] == 0xFF);
    else if (strcmp(type, "image/png") == 0)
      FUZZ_CHECK(size >= 8 && memcmp(photo, "\x89PNG\r\n\x1a\n", 8) == 0);
    else if (strcmp(type, "image/webp") == 0)
      FUZZ_CHECK(size >= 12 && memcmp(photo, "RIFF", 4) == 0 &&
                 memcmp(photo + 8, "WEBP", 4) == 0);
    else
      FUZZ_CHECK(!"an unknown image type");
  }
  free(photo);
  rd_arena_free(a);
  return 0;
}
