# relaymail: a relay-only sendmail. See README.
# make | make check | make demo | make install | make bench | make fuzz

PREFIX	?= /usr/local
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

# Every module but main.c goes into a library the tests link.
LIBSRCS	= $(filter-out src/main.c,$(wildcard src/*.c))
LIBOBJS	= $(LIBSRCS:src/%.c=$(B)/%.o)
LIB	= $(B)/librelaymail.a

UNITS	= $(patsubst tests/unit/%.c,$(B)/%,$(wildcard tests/unit/t_*.c))
SMARTHOST = $(B)/smarthost

ifeq ($(SANITIZE),1)
all: deps $(B)/sendmail
else
all: deps sendmail
endif

sendmail: $(B)/sendmail
	cp $(B)/sendmail $@

$(B)/sendmail: $(B)/main.o $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(B)/main.o $(LIB) $(LDLIBS)

$(B)/%.o: src/%.c src/*.h | $(B)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIBOBJS)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJS)

$(B)/t_%: tests/unit/t_%.c tests/unit/*.h $(LIB)
	$(CC) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(SMARTHOST): tests/smarthost/*.c tests/smarthost/*.h | $(B)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ tests/smarthost/*.c -lbearssl

$(B):
	mkdir -p $(B)

deps:
	@sh tests/deps.sh build

tests: all $(UNITS) $(SMARTHOST)

# The suite runs twice: as built, and under ASan+UBSan in build-san/.
check: tests
	sh tests/run.sh $(B)
	$(MAKE) --no-print-directory SANITIZE=1 CC=$(CC) check-san

check-san: tests
	sh tests/run.sh $(B)

demo: all $(SMARTHOST)
	sh tests/demo.sh $(B)

clean:
	rm -rf build build-san build-fuzz sendmail

.PHONY: all deps tests check check-san demo clean
