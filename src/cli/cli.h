/* The `edgetee` command: shared declarations of its subcommands. */
#ifndef ET_CLI_H
#define ET_CLI_H

int cmd_up(int argc, char **argv);
int cmd_down(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_ta(int argc, char **argv);

/* Resolve --instance/--dir to a state directory. */
int cli_dir(const char *instance, const char *dir, char *out, size_t len);
/* Connect to an instance socket; -1 with a one-line message on failure. */
int cli_connect(const char *sock, int quiet);

/* Start a private instance in dir (for benchmarks and tests). */
int cli_up(const char *instance, const char *dir, int trust_dev_key, int quiet);
int cli_down(const char *dir, int quiet);

#endif
