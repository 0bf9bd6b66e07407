/* SPDX-License-Identifier: MIT */
/*
 * partvisor-check: checks a partition config on the host with the firmware's own parser
 * (core/config.c, core/platform.c, drivers/imsic/imsic_geom.c, lib/diag.c), printing every
 * error it finds, not only the first, one per line as "<node path>: <property>: <reason>"
 * (the firmware prints the first one as "partvisor: config error: ..."). docs/config.md
 * "Checking a config" has the usage; exit status 0: no error, 1: config errors, 2: the
 * checker could not run (usage, unreadable file, bad --platform tree).
 *
 *   partvisor-check [--platform HOST.dtb] [--hv BASE,SIZE] [--reserve BASE,SIZE]...
 *                   [--image NAME=FILE | --image NAME:SIZE]... [--root PATH] [-q] CONFIG.dtb|CONFIG.dts
 *
 * Without --platform, only what needs no machine is checked (syntax, lengths, ranges,
 * names, duplicates, images, overlaps of fixed placements and boot-loader regions); with
 * it, everything config_parse() checks at boot, including the automatic placement.
 * Without --image, image names and embedded image sizes are not checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libfdt.h>

#include "core/config.h"

#define MAX_IMAGES 16

extern char **environ;

static const char *progname = "partvisor-check";
static unsigned nr_errors;

/* Every error config_check() finds: one escaped line on stdout. */
static void print_error(void *ctx, const struct pv_diag *d)
{
	char line[4 * sizeof(struct pv_diag)];

	(void)ctx;
	diag_format(d, line, sizeof(line));
	printf("%s\n", line);
	nr_errors++;
}

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr,
		"usage: %s [--platform HOST.dtb] [--hv BASE,SIZE] [--reserve BASE,SIZE]...\n"
		"       [--image NAME=FILE | --image NAME:SIZE]... [--root PATH] [-q] CONFIG.dtb|CONFIG.dts\n"
		"Prints every error as '<node>: <property>: <reason>'; exit 0 none, 1 errors, 2 cannot check.\n",
		progname);
	exit(2);
}

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* Whole file @path into a malloc'd buffer (8-byte aligned); *@len its size. */
static void *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 65536, n = 0;
	char *buf;

	if (!f)
		die("%s: %s", path, strerror(errno));
	buf = malloc(cap);
	if (!buf)
		die("out of memory");
	for (;;) {
		size_t r = fread(buf + n, 1, cap - n, f);

		n += r;
		if (n < cap)
			break;
		cap *= 2;
		buf = realloc(buf, cap);
		if (!buf)
			die("out of memory");
	}
	if (ferror(f))
		die("%s: read error", path);
	fclose(f);
	*len = n;
	return buf;
}

/* "BASE,SIZE" (C number syntax) into @r. */
static void parse_range(const char *s, struct hpa_range *r)
{
	char *end;
	unsigned long long b = strtoull(s, &end, 0), sz;

	if (*end != ',')
		die("'%s': expected BASE,SIZE", s);
	sz = strtoull(end + 1, &end, 0);
	if (*end || !sz)
		die("'%s': expected BASE,SIZE with a non-zero size", s);
	r->base = hpa(b);
	r->size = sz;
}

/* Run @argv (dtc), its stderr into @err_path when not NULL; 0 when it exited 0. */
static int run(char *const argv[], const char *err_path)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st;

	posix_spawn_file_actions_init(&fa);
	if (err_path)
		posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ))
		die("cannot run %s: %s", argv[0], strerror(errno));
	posix_spawn_file_actions_destroy(&fa);
	if (waitpid(pid, &st, 0) < 0)
		die("waitpid: %s", strerror(errno));
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/*
 * Compile @dts with dtc into a temporary file and read it. dtc's own errors (a duplicate
 * property, say) count as one error; the blob dtc -f writes anyway is still checked so
 * that the parser's findings are printed too.
 */
static void *compile_dts(const char *dts, size_t *len, int quiet)
{
	char tmp[] = "/tmp/partvisor-check-XXXXXX", errs[sizeof(tmp) + 4];
	int fd = mkstemp(tmp);
	void *blob;
	char *argv[] = { "dtc", "-q", "-I", "dts", "-O", "dtb", "-o", tmp, (char *)dts, NULL };
	char *argv_f[] = { "dtc", "-q", "-f", "-I", "dts", "-O", "dtb", "-o", tmp, (char *)dts, NULL };

	if (fd < 0)
		die("mkstemp: %s", strerror(errno));
	close(fd);
	snprintf(errs, sizeof(errs), "%s.err", tmp);
	if (run(argv, errs)) {
		/* dtc's messages once, then the blob dtc -f writes anyway (it exits 0 then) */
		size_t n;
		char *msg = read_file(errs, &n);

		fwrite(msg, 1, n, stderr);
		free(msg);
		printf("%s: dtc: refused the source (its messages are on stderr)\n", dts);
		nr_errors++;
		if (run(argv_f, "/dev/null")) {
			unlink(tmp);
			unlink(errs);
			return NULL;
		}
		if (!quiet)
			fprintf(stderr, "%s: checking what dtc -f wrote anyway\n", progname);
	}
	unlink(errs);
	blob = read_file(tmp, len);
	unlink(tmp);
	return blob;
}

int main(int argc, char **argv)
{
	static struct pv_platform plat;
	static struct pv_config cfg;
	struct pv_image images[MAX_IMAGES];
	struct hpa_range hv = { hpa(0), 0 }, resv[PV_MAX_RESERVED];
	const char *platform = NULL, *root_path = "/", *config = NULL;
	unsigned nr_images = 0, nr_resv = 0;
	int quiet = 0, root;
	size_t len;
	void *blob;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--platform") && i + 1 < argc) {
			platform = argv[++i];
		} else if (!strcmp(a, "--hv") && i + 1 < argc) {
			parse_range(argv[++i], &hv);
		} else if (!strcmp(a, "--reserve") && i + 1 < argc) {
			if (nr_resv == PV_MAX_RESERVED)
				die("too many --reserve");
			parse_range(argv[++i], &resv[nr_resv++]);
		} else if (!strcmp(a, "--image") && i + 1 < argc) {
			char *spec = argv[++i], *eq = strchr(spec, '='), *colon = strchr(spec, ':');
			struct pv_image *img = &images[nr_images];

			if (nr_images == MAX_IMAGES)
				die("too many --image");
			if (eq) {  /* NAME=FILE: size and Linux header from the file */
				size_t n;

				*eq = '\0';
				img->data = read_file(eq + 1, &n);
				img->size = n;
			} else if (colon) {  /* NAME:SIZE */
				char *end;

				*colon = '\0';
				img->data = NULL;
				img->size = strtoull(colon + 1, &end, 0);
				if (*end)
					die("--image %s: bad size", spec);
			} else {
				die("--image %s: expected NAME=FILE or NAME:SIZE", spec);
			}
			img->name = spec;
			nr_images++;
		} else if (!strcmp(a, "--root") && i + 1 < argc) {
			root_path = argv[++i];
		} else if (!strcmp(a, "-q")) {
			quiet = 1;
		} else if (a[0] == '-' || config) {
			usage();
		} else {
			config = a;
		}
	}
	if (!config)
		usage();

	if (platform) {
		struct pv_diag d;
		void *host = read_file(platform, &len);

		memset(&d, 0, sizeof(d));
		if (platform_discover(host, &plat, &d) < 0) {
			char line[4 * sizeof(d)];

			diag_format(&d, line, sizeof(line));
			die("%s: platform error: %s", platform, line);
		}
		for (unsigned k = 0; k < nr_resv && plat.nr_reserved < PV_MAX_RESERVED; k++) {
			plat.reserved[plat.nr_reserved] = resv[k];
			snprintf(plat.reserved_name[plat.nr_reserved], sizeof(plat.reserved_name[0]), "--reserve");
			plat.nr_reserved++;
		}
	}

	len = strlen(config);
	if (len > 4 && !strcmp(config + len - 4, ".dts"))
		blob = compile_dts(config, &len, quiet);
	else
		blob = read_file(config, &len);

	root = 0;
	if (blob && strcmp(root_path, "/")) {
		/* the config is a node of a larger tree (e.g. /chosen/partvisor-config of a host DTB) */
		if (len < sizeof(struct fdt_header) || fdt_check_header(blob) || fdt_totalsize(blob) > len ||
		    (root = fdt_path_offset(blob, root_path)) < 0)
			die("%s: no node %s", config, root_path);
	}
	if (blob)
		config_check(blob, len, root, platform ? &plat : NULL, hv, nr_images ? images : NULL, nr_images,
			     &cfg, print_error, NULL);
	if (!quiet) {
		if (nr_errors)
			fprintf(stderr, "%s: %s: %u error%s\n", progname, config, nr_errors, nr_errors == 1 ? "" : "s");
		else
			fprintf(stderr, "%s: %s: ok, %u partition%s (%s%s)\n", progname, config, cfg.nr_parts,
				cfg.nr_parts == 1 ? "" : "s",
				platform ? "checked against " : "machine not checked: no --platform",
				platform ? platform : "");
		if (!nr_images)
			fprintf(stderr, "%s: no --image given: image names and sizes not checked\n", progname);
	}
	return nr_errors ? 1 : 0;
}
