/* devices.h: the devices of the branches golden case. */
struct mg_block;
struct mg_kv_ro;
struct mg_ip_layer;
struct mg_tcp;
struct mg_console;
struct mg_time;
int blk_connect(struct mg_block **out);
int fat_connect(struct mg_kv_ro **out, struct mg_block *b);
int crunch_connect(struct mg_kv_ro **out);
int ipv4_connect(struct mg_ip_layer **out);
int tcp_connect(struct mg_tcp **out, struct mg_ip_layer *ip);
int tcp_socket_connect(struct mg_tcp **out);
int serial_connect(struct mg_console **out);
int ticker_connect(struct mg_time **out);
