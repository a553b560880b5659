/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The printer of the layout table, shared by ffi/src/layout.c and
 * ffi/tools/layout_check.c so that both produce byte-identical JSON for the
 * same facts. Entries are built from layout_table.h; the output has one
 * field, constant or ioctl per line (easy to diff) and keeps table order.
 */
#ifndef NMSCRIPT_LAYOUT_JSON_H
#define NMSCRIPT_LAYOUT_JSON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

enum nms_lt_kind {
	NMS_LT_STRUCT,   /* name, a = sizeof */
	NMS_LT_FIELD,    /* name, a = offset, b = size (0: flexible array) */
	NMS_LT_END,      /* closes the current struct */
	NMS_LT_CONSTANT, /* name, a = value */
	NMS_LT_IOCTL,    /* name, a = request number */
};

struct nms_lt_entry {
	enum nms_lt_kind kind;
	const char *name;
	long long a;
	long long b;
};

struct nms_lt_out {
	char *buf;
	size_t cap;
	size_t len; /* what the full document needs, even past cap */
};

static inline void __attribute__((format(printf, 2, 3)))
nms_lt_put(struct nms_lt_out *o, const char *fmt, ...)
{
	va_list ap;
	size_t room = o->len < o->cap ? o->cap - o->len : 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

/*
 * Writes the document into buf (cap bytes, NUL-terminated when it fits) and
 * returns the length it needs without the NUL; call with cap 0 to measure.
 */
static inline size_t nms_lt_emit(const struct nms_lt_entry *e, size_t n,
				 long long abi, char *buf, size_t cap)
{
	struct nms_lt_out o = { buf, cap, 0 };
	enum nms_lt_kind section = NMS_LT_END;
	int first_in_section = 1, first_field = 1;

	if (cap)
		buf[0] = '\0';
	nms_lt_put(&o, "{\"abi\":%lld", abi);
	for (size_t i = 0; i < n; i++) {
		enum nms_lt_kind k = e[i].kind;
		enum nms_lt_kind sec = k == NMS_LT_FIELD || k == NMS_LT_END ?
					       NMS_LT_STRUCT : k;

		if (sec != section) {
			if (section != NMS_LT_END)
				nms_lt_put(&o, "\n}");
			nms_lt_put(&o, ",\n\"%s\":{",
				   sec == NMS_LT_STRUCT   ? "structs" :
				   sec == NMS_LT_CONSTANT ? "constants" :
							    "ioctls");
			section = sec;
			first_in_section = 1;
		}
		switch (k) {
		case NMS_LT_STRUCT:
			nms_lt_put(&o, "%s\n\"%s\":{\"size\":%lld,\"fields\":{",
				   first_in_section ? "" : ",", e[i].name, e[i].a);
			first_in_section = 0;
			first_field = 1;
			break;
		case NMS_LT_FIELD:
			nms_lt_put(&o, "%s\n  \"%s\":{\"offset\":%lld,\"size\":%lld}",
				   first_field ? "" : ",", e[i].name, e[i].a, e[i].b);
			first_field = 0;
			break;
		case NMS_LT_END:
			nms_lt_put(&o, "}}");
			break;
		case NMS_LT_CONSTANT:
		case NMS_LT_IOCTL:
			nms_lt_put(&o, "%s\n\"%s\":%lld", first_in_section ? "" : ",",
				   e[i].name, e[i].a);
			first_in_section = 0;
			break;
		}
	}
	if (section != NMS_LT_END)
		nms_lt_put(&o, "\n}");
	nms_lt_put(&o, "}\n");
	return o.len;
}

/* The entry builders, for use with the lists of layout_table.h. */
#define NMS_LT_TYPEDEF(n, ours, theirs) typedef NMS_LT_PICK(ours, theirs) nms_lt_##n;
#define NMS_LT_S(n, ours, theirs) { NMS_LT_STRUCT, #n, (long long)sizeof(nms_lt_##n), 0 },
#define NMS_LT_F(n, f)                                                         \
	{ NMS_LT_FIELD, #f, (long long)offsetof(nms_lt_##n, f),                \
	  (long long)sizeof(((nms_lt_##n *)0)->f) },
#define NMS_LT_A(n, f) { NMS_LT_FIELD, #f, (long long)offsetof(nms_lt_##n, f), 0 },
#define NMS_LT_E(n) { NMS_LT_END, #n, 0, 0 },
#define NMS_LT_NONE1(a)
#define NMS_LT_NONE2(a, b)
#define NMS_LT_NONE3(a, b, c)

#endif /* NMSCRIPT_LAYOUT_JSON_H */
