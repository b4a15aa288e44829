// A small SMSC on node-smpp 0.5.1 (an SMPP implementation nobody on the
// project wrote), for huamu's gateway tests. It listens on a free port and
// prints {"event":"listening","port":N}; it accepts transceiver binds,
// answers every submit_sm with a message id and a DELIVRD receipt for it,
// and sends MOs on command. Commands come as JSON lines on stdin:
//   {"cmd":"mo","id":1,"from":"138...","to":"10690000","text":"...","form":"udh8|udh16|sar|payload"}
// Events go out as JSON lines on stdout: listening, bound, submit, mo_ack.
'use strict';
const smpp = require('smpp');
const readline = require('readline');

let nextId = 500000;
let nextRef = 0x10;
const sessions = [];

function out(ev) { process.stdout.write(JSON.stringify(ev) + '\n'); }

function ucs2(s) { return Buffer.from(s, 'utf16le').swap16(); }

// parts splits text into UTF-16 runs of at most n units, never between
// the two halves of a surrogate pair.
function parts(text, n) {
  const res = [];
  let i = 0;
  while (i < text.length) {
    let end = Math.min(i + n, text.length);
    const c = text.charCodeAt(end - 1);
    if (end < text.length && c >= 0xd800 && c <= 0xdbff) end--;
    res.push(text.slice(i, end));
    i = end;
  }
  return res;
}

const server = smpp.createServer(function (session) {
  session.on('error', function () {});
  session.on('bind_transceiver', function (pdu) {
    session.send(pdu.response());
    sessions.push(session);
    session.on('close', function () { const i = sessions.indexOf(session); if (i >= 0) sessions.splice(i, 1); });
    out({ event: 'bound', system_id: pdu.system_id });
  });
  session.on('enquire_link', function (pdu) { session.send(pdu.response()); });
  session.on('unbind', function (pdu) { session.send(pdu.response()); session.close(); });
  session.on('submit_sm', function (pdu) {
    const id = String(nextId++);
    const sm = pdu.short_message || {};
    let udh = '';
    if (sm.udh && sm.udh.length) udh = Buffer.concat(sm.udh).toString('hex');
    out({ event: 'submit', message_id: id, to: pdu.destination_addr, from: pdu.source_addr,
      data_coding: pdu.data_coding, esm_class: pdu.esm_class, udh: udh,
      text: typeof sm.message === 'string' ? sm.message : String(sm.message || '') });
    session.send(pdu.response({ message_id: id }));
    if (pdu.registered_delivery & 1) {
      setTimeout(function () {
        const text = 'id:' + id + ' sub:001 dlvrd:001 submit date:2611281200 done date:2611281200 stat:DELIVRD err:000 text:';
        session.deliver_sm({ source_addr: pdu.destination_addr, destination_addr: pdu.source_addr,
          esm_class: 0x04, data_coding: 0, short_message: Buffer.from(text, 'ascii'),
          receipted_message_id: id, message_state: 2 });
      }, 20);
    }
  });
});

function sendMO(c) {
  const session = sessions[0];
  if (!session) { out({ event: 'error', id: c.id, error: 'no bound session' }); return; }
  const ref = nextRef++ & 0xff;
  const base = { source_addr: c.from, source_addr_ton: 1, source_addr_npi: 1, destination_addr: c.to || '10690000', data_coding: 8 };
  let pdus = [];
  if (c.form === 'payload') {
    pdus.push(Object.assign({}, base, { short_message: Buffer.alloc(0), message_payload: ucs2(c.text) }));
  } else {
    const chunks = ucs2(c.text).length <= 140 ? [c.text] : parts(c.text, c.form === 'udh8' ? 67 : 66);
    chunks.forEach(function (chunk, i) {
      const total = chunks.length;
      if (total === 1) {
        pdus.push(Object.assign({}, base, { short_message: ucs2(chunk) }));
      } else if (c.form === 'sar') {
        pdus.push(Object.assign({}, base, { short_message: ucs2(chunk), sar_msg_ref_num: 0x1200 | ref,
          sar_total_segments: total, sar_segment_seqnum: i + 1 }));
      } else {
        const udh = c.form === 'udh16'
          ? Buffer.from([0x06, 0x08, 0x04, 0x12, ref, total, i + 1])
          : Buffer.from([0x05, 0x00, 0x03, ref, total, i + 1]);
        pdus.push(Object.assign({}, base, { esm_class: 0x40, short_message: Buffer.concat([udh, ucs2(chunk)]) }));
      }
    });
  }
  out({ event: 'mo_sent', id: c.id, parts: pdus.length });
  pdus.forEach(function (p, i) {
    session.deliver_sm(p, function (resp) {
      out({ event: 'mo_ack', id: c.id, part: i + 1, status: resp.command_status });
    });
  });
}

readline.createInterface({ input: process.stdin }).on('line', function (line) {
  let c;
  try { c = JSON.parse(line); } catch (e) { return; }
  if (c.cmd === 'mo') sendMO(c);
});

server.listen(0, '127.0.0.1', function () { out({ event: 'listening', port: server.address().port }); });
