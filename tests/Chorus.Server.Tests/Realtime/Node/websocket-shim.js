// The part of the browser WebSocket API the published client uses (onopen, onmessage, onclose, send, close,
// readyState, WebSocket.OPEN), for a Node without a built-in WebSocket (before 21 without
// --experimental-websocket). ws:// only; text messages; enough of RFC 6455 for a test, not a general client.
'use strict';
const net = require('net');
const crypto = require('crypto');

class WebSocket {
  static CONNECTING = 0; static OPEN = 1; static CLOSING = 2; static CLOSED = 3;

  constructor(url) {
    const target = new URL(url);
    this.readyState = WebSocket.CONNECTING;
    this._buffer = Buffer.alloc(0);
    this._fragments = [];
    this._handshaken = false;
    this._closeCode = 1006;
    const key = crypto.randomBytes(16).toString('base64');
    this._socket = net.connect(Number(target.port || 80), target.hostname, () => {
      this._socket.write(`GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    this._socket.on('data', (chunk) => this._receive(chunk));
    this._socket.on('error', () => {});
    this._socket.on('close', () => {
      this.readyState = WebSocket.CLOSED;
      this.onclose?.({ code: this._closeCode });
    });
  }

  send(text) {
    if (this.readyState !== WebSocket.OPEN) throw new Error('WebSocket is not open');
    this._write(0x1, Buffer.from(String(text), 'utf8'));
  }

  close(code = 1000) {
    if (this.readyState >= WebSocket.CLOSING) return;
    this.readyState = WebSocket.CLOSING;
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code);
    this._write(0x8, payload);
  }

  _write(opcode, payload) {
    const mask = crypto.randomBytes(4);
    const length = payload.length;
    const header = length < 126 ? Buffer.from([0x80 | opcode, 0x80 | length])
      : length < 65536 ? Buffer.from([0x80 | opcode, 0x80 | 126, length >> 8, length & 0xff])
      : Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(length)); return b; })()]);
    const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]));
    this._socket.write(Buffer.concat([header, mask, masked]));
  }

  _receive(chunk) {
    this._buffer = Buffer.concat([this._buffer, chunk]);
    if (!this._handshaken) {
      const end = this._buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this._buffer.subarray(0, end).toString('latin1');
      this._buffer = this._buffer.subarray(end + 4);
      if (!/^HTTP\/1\.1 101/.test(head)) { this._socket.destroy(); return; }
      this._handshaken = true;
      this.readyState = WebSocket.OPEN;
      this.onopen?.({});
    }
    while (this._buffer.length >= 2) {
      const fin = (this._buffer[0] & 0x80) !== 0;
      const opcode = this._buffer[0] & 0x0f;
      let length = this._buffer[1] & 0x7f;
      let offset = 2;
      if (length === 126) { if (this._buffer.length < 4) return; length = this._buffer.readUInt16BE(2); offset = 4; }
      else if (length === 127) { if (this._buffer.length < 10) return; length = Number(this._buffer.readBigUInt64BE(2)); offset = 10; }
      if (this._buffer.length < offset + length) return;
      const payload = this._buffer.subarray(offset, offset + length);
      this._buffer = this._buffer.subarray(offset + length);
      if (opcode === 0x8) {
        this._closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        if (this.readyState === WebSocket.OPEN) this.close(this._closeCode);
        this._socket.end();
      } else if (opcode === 0x9) {
        this._write(0xA, payload);
      } else if (opcode === 0x1 || opcode === 0x0) {
        this._fragments.push(payload);
        if (fin) {
          const data = Buffer.concat(this._fragments).toString('utf8');
          this._fragments = [];
          this.onmessage?.({ data });
        }
      }
    }
  }
}

module.exports = WebSocket;
