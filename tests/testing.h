/* tests/testing.h - the one main() every cmocka suite uses.
 *
 * Runs the group and prints "RESULT <suite> passed=N failed=M", the line
 * scripts/check.sh adds up into the final "N passed, N failed".
 */
#ifndef RD_TESTS_TESTING_H
#define RD_TESTS_TESTING_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#define RD_TEST_MAIN(suite, tests)                                         \
  int main(void)                                                           \
  {                                                                        \
    size_t total = sizeof(tests) / sizeof((tests)[0]);                     \
    int failed = cmocka_run_group_tests_name(suite, tests, NULL, NULL);    \
    printf("RESULT %s passed=%zu failed=%d\n", suite,                      \
           total - (size_t)failed, failed);                                \
    return failed ? 1 : 0;                                                 \
  }

#endif
