/* SPDX-License-Identifier: BSD-2-Clause */
/* uvaled: the uvale daemon binary; everything lives in libnmscript.so. */
int nms_uvaled_main(int argc, char **argv);

int main(int argc, char **argv)
{
	return nms_uvaled_main(argc, argv);
}
