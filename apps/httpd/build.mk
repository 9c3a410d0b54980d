objs-y += $(d)main.o $(d)conn.o $(d)selftest.o $(d)http.o $(d)http_util.o $(d)content.o $(d)www_gen.o

# The folder served, turned into a C table at build time (mkwww.py).
ifeq ($(origin HTTPD_WWW),undefined)
HTTPD_WWW := $(d)www
endif
httpd_dir := $(d)
httpd_www := $(HTTPD_WWW)
$(OUT)/www_gen.c: $(d)mkwww.py $(HTTPD_WWW) $(shell find $(HTTPD_WWW) -type f 2>/dev/null)
	$(call quiet,GEN,$@)
	@mkdir -p $(dir $@)
	$(Q)$(PYTHON) $(httpd_dir)mkwww.py $(httpd_www) $@

$(OBJ)/$(d)www_gen.o: $(OUT)/www_gen.c $(d)content.h $(AUTOCONF)
	$(call quiet,CC,$(httpd_dir)www_gen.o)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -I$(httpd_dir) -c $< -o $@
