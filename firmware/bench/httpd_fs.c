/* lwIP httpd reference image (bench only): each bench response's path
 * serves that response as a file through httpd's custom-file hook. The
 * file is the whole response, head included (Content-Length in it), so it
 * is flagged FS_FILE_FLAGS_HEADER_INCLUDED | FS_FILE_FLAGS_HEADER_PERSISTENT:
 * httpd then keeps a connection open when the request asks for it
 * ("Connection: keep-alive", LWIP_HTTPD_SUPPORT_11_KEEPALIVE; httpd.c
 * http_find_file). Without the persistent flag it closes after every
 * response, as HTTP/1.0. */
#include "app_config.h"

#if APP_BENCH_SERVER == 2
#include <string.h>

#include "bench_resp.h"
#include "lwip/apps/fs.h"

int fs_open_custom(struct fs_file *file, const char *name);
void fs_close_custom(struct fs_file *file);

int fs_open_custom(struct fs_file *file, const char *name)
{
    const struct bench_resp *r;
    size_t n = strlen(name);
    for (unsigned i = 0; (r = bench_resp_get(i)) != NULL; i++) {
        if (r->path_len == n && memcmp(r->path, name, n) == 0) {
            memset(file, 0, sizeof(*file));
            file->data = r->data;
            file->len = (int)r->len;
            file->index = (int)r->len;
            file->flags = FS_FILE_FLAGS_HEADER_INCLUDED | FS_FILE_FLAGS_HEADER_PERSISTENT;
            return 1;
        }
    }
    return 0;
}

void fs_close_custom(struct fs_file *file)
{
    (void)file;
}
#endif
