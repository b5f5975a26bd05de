/* article_rpc: the articles.* RPC handlers (listed in content_methods,
 * content_rpc.c). Inputs are the messages of proto/articles_edit.proto. */
#ifndef ARTICLE_RPC_H
#define ARTICLE_RPC_H

#include "loa_rpc_server.h"

void content_articles_list (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void content_articles_get (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void content_articles_history (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void content_articles_create (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void content_articles_update (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void content_articles_submit (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void content_articles_publish (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void content_articles_reject (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void content_articles_retract (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
/* articles.revise (editor of the article's unit): a draft revision of a
 * published article; `note` required; 409 while it has one unfinished. */
void content_articles_revise (loa_rpc_ctx *ctx, const ProtobufCMessage *in);

#endif
