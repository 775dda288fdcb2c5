# relaymail: a relay-only sendmail. See README.
# make | make check | make demo | make install | make bench | make fuzz

PREFIX	?= /usr
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
DESTDIR	?=

CC	?= cc
CFLAGS	?= -O2 -g
WFLAGS	 = -std=c11 -Wall -Wextra -Werror -D_DEFAULT_SOURCE
LDLIBS	 = -lbearssl -linih

# SANITIZE=1 builds everything into build-san/ with ASan and UBSan.
ifeq ($(SANITIZE),1)
B	 = build-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=all
else
B	 = build
SANFLAGS =
endif

ALL_CFLAGS = $(CFLAGS) $(WFLAGS) $(SANFLAGS) -Isrc
STATIC_INC = build-static/include

# Every module but main.c goes into a library the tests link. src/ is
# the mail program, flat; src/tls/ the TLS layer, whose one face is
# src/tls/tls.h (included as "tls/tls.h").
LIBSRCS	= $(filter-out src/main.c src/fortify_shim.c src/sanitize.c,\
	  $(wildcard src/*.c)) $(wildcard src/tls/*.c)
LIBOBJS	= $(LIBSRCS:src/%.c=$(B)/%.o)
HDRS	= $(wildcard src/*.h src/tls/*.h)
LIB	= $(B)/librelaymail.a

UNITS	= $(patsubst tests/unit/%.c,$(B)/%,$(wildcard tests/unit/t_*.c)) \
	  $(B)/t_msg_small $(B)/t_smtp_small $(B)/t_wire_small
SMARTHOST = $(B)/smarthost

ifeq ($(SANITIZE),1)
all: deps $(B)/sendmail
else
all: deps sendmail
endif

sendmail: $(B)/sendmail
	cp $(B)/sendmail $@

# The binary that ships and that the suite runs: linked statically with
# musl (musl-tools), BearSSL and inih when musl-gcc is there. A send then
# costs about a third less CPU and a fifth of the memory of the same code
# on glibc's dynamic loader (README, "Building and installing"). Without
# musl-gcc, with MUSL=no, and for the sanitizer build, it is the usual
# dynamic glibc binary.
ifeq ($(SANITIZE),1)
$(B)/sendmail: $(B)/main.o $(B)/sanitize.o $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(B)/main.o $(B)/sanitize.o \
	    $(LIB) $(LDLIBS)
else
$(B)/sendmail: src/main.c $(LIBSRCS) src/fortify_shim.c $(HDRS) $(B)/main.o $(LIB)
	@if [ "$(MUSL)" != no ] && command -v musl-gcc >/dev/null 2>&1; then \
	    mkdir -p $(STATIC_INC) && \
	    cp -r /usr/include/bearssl.h /usr/include/bearssl \
	        /usr/include/ini.h $(STATIC_INC)/ && \
	    echo "musl-gcc -static -o $@ (src/*.c src/tls/*.c, libbearssl.a, libinih.a)" && \
	    musl-gcc -static $(CFLAGS) $(WFLAGS) -Isrc -I$(STATIC_INC) \
	        $(LDFLAGS) -o $@ src/main.c $(LIBSRCS) src/fortify_shim.c \
	        /usr/lib/$$(gcc -print-multiarch)/libbearssl.a \
	        /usr/lib/$$(gcc -print-multiarch)/libinih.a; \
	else \
	    echo "$(CC) -o $@ (dynamic: no musl-gcc)" && \
	    $(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(B)/main.o $(LIB) $(LDLIBS); \
	fi
endif

$(B)/%.o: src/%.c $(HDRS) | $(B)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIBOBJS)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJS)

$(B)/t_%: tests/unit/t_%.c tests/unit/*.h $(LIB)
	$(CC) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# The same tests with tiny buffers, so that lines, CR LF pairs and replies
# cross buffer boundaries on every run.
SMALL	= -DMSG_CHUNK=7 -DCONN_BUF=64 -DSMTP_BODY_CHUNK=7
$(B)/t_%_small: tests/unit/t_%.c tests/unit/*.h $(LIBSRCS) $(HDRS) | $(B)
	$(CC) $(ALL_CFLAGS) $(SMALL) -Itests/unit $(LDFLAGS) -o $@ $< \
	    $(LIBSRCS) $(LDLIBS)

$(SMARTHOST): $(wildcard tests/smarthost/*.c tests/smarthost/*.h) | $(B)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ tests/smarthost/*.c -lbearssl

$(B):
	mkdir -p $(B)

deps:
	@sh tests/deps.sh build

tests: all test-bins
	@sh tests/deps.sh check

# What the suite runs, without the dependency check (which must come
# first and alone: it may install headers).
ifeq ($(SANITIZE),1)
test-bins: $(B)/sendmail $(UNITS) $(SMARTHOST)
else
test-bins: sendmail $(UNITS) $(SMARTHOST)
endif

# The suite runs twice, at the same time: as built, and under ASan+UBSan
# in build-san/ (tests/check.sh). Both trees are built with a job per
# core.
NPROC	= $(shell nproc 2>/dev/null || echo 1)
check:
	@sh tests/deps.sh build
	@sh tests/deps.sh check
	$(MAKE) --no-print-directory -j$(NPROC) CC=$(CC) test-bins
	$(MAKE) --no-print-directory -j$(NPROC) SANITIZE=1 CC=$(CC) test-bins
	sh tests/check.sh

check-san: tests
	sh tests/run.sh $(B)

# The suite with every sendmail run under valgrind memcheck (slow).
memcheck: tests
	MEMCHECK=1 sh tests/run.sh $(B)

demo: all $(SMARTHOST)
	sh tests/demo.sh $(B)

# make install [PREFIX=/usr] [DESTDIR=] [SETGID=relaymail] [FORCE=1]
#   /usr/sbin/sendmail set-group-ID to SETGID (created with groupadd
#   --system when missing, before anything is copied), mailq and
#   newaliases in /usr/bin, /usr/lib/sendmail; the queue 2770,
#   /etc/sendmail.conf 0640 and /var/log/relaymail.log 0660 (with its
#   logrotate entry) owned by the group, so that every user can queue
#   mail and log while only the group reads the password. SETGID=
#   installs root-only. Another MTA's sendmail is kept unless FORCE=1.
# make uninstall removes what install put there: never the config, the
#   queue, the log or the group. Both are pkg/install.sh.
SYSCONFDIR ?= /etc
QUEUEDIR ?= /var/spool/relaymail
LOGFILE	?= /var/log/relaymail.log
SETGID	?= relaymail
FORCE	?= 0
INSTALL_ENV = DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" SBINDIR="$(SBINDIR)" \
	MANDIR="$(MANDIR)" SYSCONFDIR="$(SYSCONFDIR)" QUEUEDIR="$(QUEUEDIR)" \
	LOGFILE="$(LOGFILE)" \
	SETGID="$(SETGID)" FORCE="$(FORCE)"
install: all
	$(INSTALL_ENV) sh pkg/install.sh install sendmail

uninstall:
	$(INSTALL_ENV) sh pkg/install.sh uninstall sendmail

# relaymail_VERSION_ARCH.deb with dpkg-deb (pkg/deb/build.sh).
# The Debian package links libc, BearSSL and inih dynamically, as Debian
# wants: their security updates then reach it without a rebuild.
ifeq ($(SANITIZE),1)
$(B)/sendmail-dynamic: $(B)/sendmail
	cp $(B)/sendmail $@
else
$(B)/sendmail-dynamic: $(B)/main.o $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(B)/main.o $(LIB) $(LDLIBS)
endif

deb: all $(B)/sendmail-dynamic
	sh pkg/deb/build.sh $(B)/sendmail-dynamic

# One self-contained binary: musl (from musl-tools), BearSSL and inih
# linked statically; name resolution needs no NSS modules.
static: deps sendmail-static
	@ls -l sendmail-static

sendmail-static: src/main.c $(LIBSRCS) src/fortify_shim.c $(HDRS)
	@command -v musl-gcc >/dev/null || sh tests/deps.sh static
	mkdir -p $(STATIC_INC)
	cp -r /usr/include/bearssl.h /usr/include/bearssl /usr/include/ini.h \
	    $(STATIC_INC)/
	musl-gcc -static -Os -std=c11 -Wall -Wextra -Werror \
	    -D_DEFAULT_SOURCE -Isrc -I$(STATIC_INC) -o sendmail-static \
	    src/main.c $(LIBSRCS) src/fortify_shim.c \
	    /usr/lib/$$(gcc -print-multiarch)/libbearssl.a \
	    /usr/lib/$$(gcc -print-multiarch)/libinih.a
	strip sendmail-static

# libFuzzer targets (clang), each run for FUZZ_SECONDS.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = $(patsubst tests/fuzz/%.c,build-fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 \
	-D_DEFAULT_SOURCE -Isrc

build-fuzz/%: tests/fuzz/%.c $(LIBSRCS) $(HDRS)
	@mkdir -p build-fuzz
	clang $(FUZZ_FLAGS) -o $@ $< $(LIBSRCS) $(LDLIBS)

fuzz: $(FUZZ_TARGETS)
	@for t in $(FUZZ_TARGETS); do n=$${t#build-fuzz/fuzz_}; \
	    mkdir -p build-fuzz/corpus-$$n; \
	    echo "== $$t ($(FUZZ_SECONDS) s)"; \
	    $$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	        build-fuzz/corpus-$$n tests/fuzz/corpus/$$n 2>&1 | \
	        grep -E 'stat::number_of_executed_units|ERROR|SUMMARY' || exit 1; \
	done

bench: all $(SMARTHOST)
	sh tests/bench/bench.sh $(B)

clean:
	rm -rf build build-san build-fuzz build-static build-deb sendmail \
	    sendmail-static relaymail_*.deb

.PHONY: all deps tests test-bins check check-san memcheck demo install uninstall deb static fuzz bench clean
