/* Generated from lib/metrics/catalog.ts by `npm run build:wasm`. Do not edit: add a metric there. */
#ifndef ALIBI_METRICS_H
#define ALIBI_METRICS_H
enum {
  C_PACKETS = 0, /* packets: packets */
  C_BYTES = 1, /* bytes: bytes on the wire (original length) */
  C_PAYLOAD = 2, /* payload: TCP payload bytes */
  C_SYN_ONLY = 3, /* synOnly: new connection attempts (SYN without ACK) */
  C_RESETS = 4, /* resets: RST segments */
  C_RESETS_BY_CLIENT = 5, /* resetsByClient: RSTs sent by the side that opened the connection */
  C_RESETS_BY_SERVER = 6, /* resetsByServer: RSTs sent by the side that accepted it */
  C_RETRANS = 7, /* retransmissions: retransmitted segments (Wireshark tcp.analysis.retransmission) */
  C_ZERO_WINDOWS = 8, /* zeroWindows: zero-window advertisements (tcp.analysis.zero_window) */
  C_ACTIVE_FLOWS = 9, /* activeFlows: connections with a packet in the bin */
  C_PAYLOAD_C2S = 10, /* payloadC2S: payload bytes from the client */
  C_PAYLOAD_S2C = 11, /* payloadS2C: payload bytes from the server */
  C_SYN_ACK = 12, /* synAck: SYN-ACKs (answered connection attempts) */
  C_CLIENT_HELLO = 13, /* clientHello: TLS ClientHello records from clients */
  C_SERVER_HELLO = 14, /* serverHello: TLS ServerHello records from servers */
  C_HTTP_REQUESTS = 15, /* httpRequests: HTTP request lines */
  C_HTTP_RESPONSES = 16, /* httpResponses: HTTP status lines */
  C_ANSWERED = 17, /* answered: HTTP responses that answered a waiting request (in the response's bin) */
  C_RESPONSE_TIME = 18, /* responseTime: their summed wait, seconds */
  C_UNANSWERED = 19, /* unanswered: connections that ended with a request unanswered (in the bin they ended) */
  C_REQ_ANSWERED = 20, /* reqAnswered: answered requests, in the bin they were sent */
  C_REQ_WAIT = 21, /* reqWait: their summed wait, in the bin they were sent */
  C_REQ_UNANSWERED = 22, /* reqUnanswered: requests never answered, in the bin they were sent */
  C_ZERO_WINDOWS_BY_CLIENT = 23, /* zeroWindowsByClient: zero windows advertised by the client (it stopped reading) */
  C_ZERO_WINDOWS_BY_SERVER = 24, /* zeroWindowsByServer: zero windows advertised by the server (it stopped reading) */
  NC = 25
};
#endif
