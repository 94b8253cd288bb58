/**
 * What the server sends to a Teltonika device: the answer to its IMEI login, and the count of
 * records accepted from an AVL packet (TCP: 4 bytes; UDP: a 7-byte acknowledgement packet).
 */

/** One byte: 0x01 accepts the IMEI (the device then sends AVL data), 0x00 refuses it. */
export function encodeLoginAnswer(accepted: boolean): Uint8Array {
  return Uint8Array.of(accepted ? 0x01 : 0x00);
}

/** TCP: the number of records accepted, as a 4-byte big-endian integer. */
export function encodeRecordCountAck(count: number): Uint8Array {
  return Uint8Array.of((count >>> 24) & 0xff, (count >>> 16) & 0xff, (count >>> 8) & 0xff, count & 0xff);
}

/**
 * UDP: length 0x0005, the packet id echoed, 0x01, the AVL packet id echoed, the number of records
 * accepted.
 */
export function encodeUdpAck(packetId: number, avlPacketId: number, count: number): Uint8Array {
  return Uint8Array.of(
    0x00,
    0x05,
    (packetId >> 8) & 0xff,
    packetId & 0xff,
    0x01,
    avlPacketId & 0xff,
    count & 0xff,
  );
}
