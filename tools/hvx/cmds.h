/* SPDX-License-Identifier: GPL-2.0 */
/* The hvx subcommands, one file each, dispatched from main.c. */
#ifndef HVX_CMDS_H
#define HVX_CMDS_H

int cmd_probe(int argc, char **argv);
int cmd_run(int argc, char **argv);

#endif
