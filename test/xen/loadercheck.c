/*
 * loadercheck: offline check that a file is a 64-bit Xen PV kernel that the
 * real toolstack would load.
 *
 * It runs the ELF-note and layout checks of libxenguest (the library behind
 * `xl create`) without a hypervisor: xc_interface_open(XC_OPENFLAG_DUMMY)
 * needs no /dev/xen, and we tell the library which guest types "this Xen"
 * offers (Debian's Xen 4.17 is built without 32-bit PV, so only
 * xen-3.0-x86_64 plus HVM types).
 *
 * Usage: loadercheck [-v] IMAGE...
 *   prints "PASS IMAGE: <guest type> kernel <vstart>-<vend>" or
 *   "FAIL IMAGE: <reason>" per image (reasons are libxenguest's own log
 *   lines); exits 0 only if every image passes, 1 otherwise, 2 on usage.
 *   -v shows libxenguest's detailed log (the notes it parsed, the layout).
 *
 * Build: test/xen/loadercheck.sh (links -lxenguest -lxenctrl -lxentoollog).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenguest.h>
#include <xentoollog.h>

/* The capability string of a Xen that, like Debian's, has no 32-bit PV. */
static const char xen_caps[] =
    "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64";

/*
 * Check one image.  libxenguest reports why it refused an image only through
 * its logger, so the logger writes into a memory stream that we print as the
 * failure reason (or discard on success unless -v).
 */
static int check(const char *path, int verbose)
{
    char *log = NULL;
    size_t loglen = 0;
    FILE *logf = open_memstream(&log, &loglen);
    if (!logf) {
        perror("open_memstream");
        return 0;
    }
    xentoollog_logger_stdiostream *logger = xtl_createlogger_stdiostream(
        logf, verbose ? XTL_DEBUG : XTL_WARN, XTL_STDIOSTREAM_HIDE_PROGRESS);
    xc_interface *xch = NULL;
    struct xc_dom_image *dom = NULL;
    const char *failed = NULL;
    int ok = 0;

    if (!logger) {
        failed = "cannot create a logger";
        goto out;
    }
    xch = xc_interface_open((xentoollog_logger *)logger,
                            (xentoollog_logger *)logger, XC_OPENFLAG_DUMMY);
    if (!xch) {
        failed = "xc_interface_open(XC_OPENFLAG_DUMMY) failed";
        goto out;
    }
    dom = xc_dom_allocate(xch, "", NULL);
    if (!dom) {
        failed = "xc_dom_allocate failed";
        goto out;
    }
    dom->container_type = XC_DOM_PV_CONTAINER;
    snprintf(dom->xen_caps, sizeof(dom->xen_caps), "%s", xen_caps);

    if (access(path, R_OK) != 0) {
        failed = "cannot read the file";
    } else if (xc_dom_kernel_file(dom, path) != 0) {
        failed = "xc_dom_kernel_file refused it";
    } else if (xc_dom_parse_image(dom) != 0) {
        failed = "xc_dom_parse_image refused it (not a PV kernel this Xen can load)";
    } else if (xc_dom_compat_check(dom) <= 0) {
        /* It returns how many of xen_caps match the image's guest type. */
        failed = "xc_dom_compat_check refused it (guest type not offered by this Xen)";
    } else {
        ok = 1;
    }

out:
    /* Print this image's verdict, then (on failure or -v) the library's log. */
    fflush(logf);
    if (ok)
        printf("PASS %s: %s kernel 0x%llx-0x%llx\n", path,
               dom->guest_type ? dom->guest_type : "?",
               (unsigned long long)dom->kernel_seg.vstart,
               (unsigned long long)dom->kernel_seg.vend);
    else
        printf("FAIL %s: %s\n", path, failed);
    if ((!ok || verbose) && loglen) {
        /* Indent the library's lines so they read as part of this verdict. */
        for (char *line = strtok(log, "\n"); line; line = strtok(NULL, "\n"))
            printf("    %s\n", line);
    }
    fflush(stdout);
    if (dom)
        xc_dom_release(dom);
    if (xch)
        xc_interface_close(xch);
    if (logger)
        xtl_logger_destroy((xentoollog_logger *)logger);
    fclose(logf);
    free(log);
    return ok;
}

int main(int argc, char **argv)
{
    int verbose = 0, first = 1, all_ok = 1;

    if (argc > 1 && strcmp(argv[1], "-v") == 0) {
        verbose = 1;
        first = 2;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: %s [-v] IMAGE...\n", argv[0]);
        return 2;
    }
    for (int i = first; i < argc; i++)
        if (!check(argv[i], verbose))
            all_ok = 0;
    return all_ok ? 0 : 1;
}
