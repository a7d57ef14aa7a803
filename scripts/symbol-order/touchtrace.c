// Measurement helper for scripts/symbol-order.sh, never linked into slipway. Preloaded into a `slipway serve`
// (LD_PRELOAD), it makes the executable's read-only-and-executable mapping inaccessible before main runs; the
// first access to each page faults, and the handler opens that one page again. Pages present in the mapping
// afterwards (/proc/PID/pagemap) are exactly the pages the process used: the kernel's fault-around, which maps
// up to 64 kB of neighbours on every fault, cannot cross into the still-inaccessible pages around them.
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static unsigned long start, end;

static void opened_on_first_use(int sig, siginfo_t *info, void *context) {
    unsigned long address = (unsigned long)info->si_addr;
    if (address >= start && address < end) {
        mprotect((void *)(address & ~4095UL), 4096, PROT_READ | PROT_EXEC);
        return;
    }
    signal(sig, SIG_DFL);  // a real crash: let it happen
    raise(sig);
}

__attribute__((constructor(101))) static void close_executable_pages(void) {
    char executable[4096];
    ssize_t length = readlink("/proc/self/exe", executable, sizeof executable - 1);
    if (length <= 0) return;
    executable[length] = 0;
    FILE *maps = fopen("/proc/self/maps", "r");
    if (!maps) return;
    char line[4608];
    while (fgets(line, sizeof line, maps)) {
        unsigned long s, e;
        char permissions[8], path[4096] = "";
        if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %4095s", &s, &e, permissions, path) >= 3 &&
            strcmp(path, executable) == 0 && strchr(permissions, 'x')) {
            start = s;
            end = e;
        }
    }
    fclose(maps);
    if (!start) return;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = opened_on_first_use;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &action, 0);
    madvise((void *)start, end - start, MADV_DONTNEED);
    mprotect((void *)start, end - start, PROT_NONE);
}
