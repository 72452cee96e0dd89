-- SPDX-License-Identifier: GPL-2.0
--
-- ovnic.lua - Wireshark/tshark dissector for the ovnic overlay.
--
-- Load it with:  tshark -X lua_script:tools/wireshark/ovnic.lua -r capture.pcap
-- (or copy it to ~/.local/lib/wireshark/plugins/). See README.md here.
--
-- Wire format (Documentation/networking/ovnic.rst, drivers/net/ovnic/ovnic_proto.h):
-- outer Ethernet / IPv4 or IPv6 / a 40-byte TCP-shaped header / a piece of
-- one inner Ethernet frame. The TCP-shaped header is decoded as ovnic
-- fields:
--   seq      = frame id (low 16 bits) << 16 | offset of this piece
--   ack      = inner frame length
--   flags    = ACK (+ PSH on the last segment), data offset 10
--   option   = kind 253, length 20, ExID 0x4f56, then version/flags, VNI,
--              queue hint, inner L4 offset, inner MSS, csum offset,
--              reserved, frame id (high 16 bits), reserved
-- The payload of an offset-0 piece is handed to "eth_withoutfcs", so the
-- inner frame decodes; frames sent in several pieces are reassembled
-- (per source address and frame id) and decoded when complete.
--
-- Registration: the dissector takes IP protocol 6 and gives every packet
-- that is not ovnic back to the built-in TCP dissector unchanged. A packet
-- is ovnic when its source or destination port is the "port" preference
-- (default 7475), or, with the "heuristic" preference (default on), when
-- it carries the ovnic option signature (data offset 10, kind 253, length
-- 20, ExID 0x4f56) on any port. On the overlay port, malformed headers
-- are decoded too, with an expert info naming the receiver's drop counter.

local OVNIC_PORT = 7475
local OPT_KIND = 253
local OPT_LEN = 20
local OPT_EXID = 0x4f56
local WIRE_VERSION = 1
local HDR_LEN = 40
local FRAME_MAX = 0xffff
local ETH_HLEN = 14

local DOFF_BYTE = 0xa0		-- data offset 10 (40 bytes) in the high nibble

-- Wireshark 4.0 embeds Lua 5.2: bit operations through bit32.
local band, bor, bnot = bit32.band, bit32.bor, bit32.bnot
local shl, shr = bit32.lshift, bit32.rshift

local F_CLASSIFIED = 0x1
local F_CSUM_PARTIAL = 0x2
local F_GSO = 0x4
local F_KNOWN = 0x7

local TH_FIN, TH_SYN, TH_RST, TH_PSH = 0x01, 0x02, 0x04, 0x08
local TH_ACK, TH_URG, TH_ECE, TH_CWR = 0x10, 0x20, 0x40, 0x80

local ovnic = Proto("ovnic", "ovnic overlay")

local pf = {
	srcport = ProtoField.uint16("ovnic.srcport", "Source port (flow entropy)", base.DEC),
	dstport = ProtoField.uint16("ovnic.dstport", "Destination port", base.DEC),
	port = ProtoField.uint16("ovnic.port", "Port", base.DEC),
	frame_id_lo = ProtoField.uint16("ovnic.frame_id_lo", "Frame id (low 16 bits)", base.HEX),
	offset = ProtoField.uint16("ovnic.offset", "Offset in frame", base.DEC),
	frame_len = ProtoField.uint32("ovnic.frame_len", "Frame length", base.DEC),
	doff = ProtoField.uint8("ovnic.doff", "Data offset (32-bit words)", base.DEC, nil, 0xf0),
	th_rsvd = ProtoField.uint8("ovnic.tcp_reserved", "Reserved TCP bits", base.HEX, nil, 0x0f),
	th_flags = ProtoField.uint8("ovnic.tcp_flags", "TCP flags", base.HEX),
	th_cwr = ProtoField.bool("ovnic.tcp_flags.cwr", "CWR", 8, nil, TH_CWR),
	th_ece = ProtoField.bool("ovnic.tcp_flags.ece", "ECE", 8, nil, TH_ECE),
	th_urg = ProtoField.bool("ovnic.tcp_flags.urg", "URG (never sent)", 8, nil, TH_URG),
	th_ack = ProtoField.bool("ovnic.tcp_flags.ack", "ACK (always set)", 8, nil, TH_ACK),
	th_psh = ProtoField.bool("ovnic.tcp_flags.psh", "PSH (last segment)", 8, nil, TH_PSH),
	th_rst = ProtoField.bool("ovnic.tcp_flags.rst", "RST (never sent)", 8, nil, TH_RST),
	th_syn = ProtoField.bool("ovnic.tcp_flags.syn", "SYN (never sent)", 8, nil, TH_SYN),
	th_fin = ProtoField.bool("ovnic.tcp_flags.fin", "FIN (never sent)", 8, nil, TH_FIN),
	window = ProtoField.uint16("ovnic.window", "Window (constant)", base.HEX),
	checksum = ProtoField.uint16("ovnic.checksum", "Checksum", base.HEX),
	checksum_status = ProtoField.string("ovnic.checksum.status", "Checksum status"),
	urg_ptr = ProtoField.uint16("ovnic.urgent", "Urgent pointer", base.DEC),

	opt = ProtoField.bytes("ovnic.opt", "ovnic option"),
	kind = ProtoField.uint8("ovnic.opt.kind", "Kind", base.DEC),
	len = ProtoField.uint8("ovnic.opt.len", "Length", base.DEC),
	exid = ProtoField.uint16("ovnic.opt.exid", "ExID", base.HEX),
	version = ProtoField.uint8("ovnic.version", "Version", base.DEC, nil, 0xf0),
	flags = ProtoField.uint8("ovnic.flags", "Flags", base.HEX, nil, 0x0f),
	f_unknown = ProtoField.bool("ovnic.flags.unknown", "Unknown flag", 8, nil, 0x08),
	f_gso = ProtoField.bool("ovnic.flags.gso", "G: inner frame is GSO", 8, nil, F_GSO),
	f_csum = ProtoField.bool("ovnic.flags.csum_partial", "P: inner checksum partial", 8, nil,
				 F_CSUM_PARTIAL),
	f_class = ProtoField.bool("ovnic.flags.classified", "C: sender-classified (queue hint)", 8, nil,
				  F_CLASSIFIED),
	vni = ProtoField.uint24("ovnic.vni", "VNI", base.DEC),
	queue_hint = ProtoField.uint8("ovnic.queue_hint", "Queue hint", base.DEC),
	inner_l4_off = ProtoField.uint8("ovnic.inner_l4_off", "Inner L4 offset", base.DEC),
	inner_mss = ProtoField.uint16("ovnic.inner_mss", "Inner MSS", base.DEC),
	csum_off = ProtoField.uint8("ovnic.csum_off", "Checksum offset (from inner L4)", base.DEC),
	rsvd0 = ProtoField.uint8("ovnic.reserved0", "Reserved", base.HEX),
	frame_id_hi = ProtoField.uint16("ovnic.frame_id_hi", "Frame id (high 16 bits)", base.HEX),
	rsvd1 = ProtoField.uint32("ovnic.reserved1", "Reserved", base.HEX),

	frame_id = ProtoField.uint32("ovnic.frame_id", "Frame id", base.HEX),
	payload_len = ProtoField.uint32("ovnic.payload_len", "Payload length", base.DEC),
	last = ProtoField.bool("ovnic.last", "Last piece of the frame"),
	verdict = ProtoField.string("ovnic.verdict", "Receiver verdict"),
	piece = ProtoField.bytes("ovnic.piece", "Frame piece"),
	reassembled_in = ProtoField.framenum("ovnic.reassembled_in", "Frame reassembled in"),
	pieces = ProtoField.uint32("ovnic.pieces", "Pieces reassembled", base.DEC),
}
ovnic.fields = pf

local ef = {
	short = ProtoExpert.new("ovnic.short", "Truncated ovnic header (rx_drop_short)",
				expert.group.MALFORMED, expert.severity.ERROR),
	shape = ProtoExpert.new("ovnic.bad_shape", "Not ovnic's TCP shape (rx_drop_bad_shape)",
				expert.group.MALFORMED, expert.severity.ERROR),
	version = ProtoExpert.new("ovnic.bad_version", "Unknown version (rx_drop_bad_version)",
				  expert.group.MALFORMED, expert.severity.ERROR),
	flags = ProtoExpert.new("ovnic.bad_flags", "Unknown flags (rx_drop_bad_flags)",
				expert.group.MALFORMED, expert.severity.ERROR),
	length = ProtoExpert.new("ovnic.bad_length", "Inconsistent frame length/offset (rx_drop_bad_length)",
				 expert.group.MALFORMED, expert.severity.ERROR),
	offload = ProtoExpert.new("ovnic.bad_offload", "Invalid inner offload state (rx_drop_bad_offload)",
				  expert.group.MALFORMED, expert.severity.ERROR),
	csum = ProtoExpert.new("ovnic.bad_csum", "Bad outer checksum (rx_drop_bad_csum)",
			       expert.group.CHECKSUM, expert.severity.ERROR),
}
ovnic.experts = { ef.short, ef.shape, ef.version, ef.flags, ef.length, ef.offload, ef.csum }

ovnic.prefs.port = Pref.uint("Overlay port", OVNIC_PORT, "TCP-shaped destination port of the overlay")
ovnic.prefs.heuristic = Pref.bool("Detect on any port", true,
				  "Claim TCP packets carrying the ovnic option signature on any port")
ovnic.prefs.check_checksum = Pref.bool("Validate the outer checksum", true,
				       "Verify the TCP-shaped checksum over the pseudo-header")
ovnic.prefs.reassemble = Pref.bool("Reassemble frames", true,
				   "Decode frames sent in several pieces once all pieces are seen")

local ip_proto = DissectorTable.get("ip.proto")
local tcp_dissector = ip_proto:get_dissector(6) or Dissector.get("tcp")
local eth_dissector = Dissector.get("eth_withoutfcs")

-- Address (as Wireshark prints it) -> string of raw bytes, for the
-- pseudo-header.
local function addr_bytes(s)
	if s:find(":", 1, true) then
		local head, tail = s:match("^(.-)::(.*)$")
		local groups = {}
		local function split(part, t)
			for g in part:gmatch("[^:]+") do t[#t + 1] = g end
		end
		if head then
			local h, t = {}, {}
			split(head, h)
			split(tail, t)
			for _, g in ipairs(h) do groups[#groups + 1] = g end
			for _ = 1, 8 - #h - #t do groups[#groups + 1] = "0" end
			for _, g in ipairs(t) do groups[#groups + 1] = g end
		else
			split(s, groups)
		end
		local out = {}
		for _, g in ipairs(groups) do
			local v = tonumber(g, 16) or 0
			out[#out + 1] = string.char(shr(v, 8), band(v, 0xff))
		end
		return table.concat(out)
	end
	local a, b, c, d = s:match("^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
	if not a then return nil end
	return string.char(tonumber(a), tonumber(b), tonumber(c), tonumber(d))
end

-- The pseudo-header from the addresses of the IP header just dissected
-- (the innermost one for a nested packet).
local function pseudo_header(pinfo, len)
	local src, dst = tostring(pinfo.net_src), tostring(pinfo.net_dst)
	local a, b = addr_bytes(src), addr_bytes(dst)
	if not a or not b or #a ~= #b then return nil end
	if #a == 16 then
		return a .. b .. string.char(band(shr(len, 24), 0xff), band(shr(len, 16), 0xff),
					     band(shr(len, 8), 0xff), band(len, 0xff), 0, 0, 0, 6)
	end
	return a .. b .. string.char(0, 6, band(shr(len, 8), 0xff), band(len, 0xff))
end

local function csum_ok(tvb, pinfo)
	local len = tvb:reported_length_remaining()
	if tvb:len() < len then return nil end		-- not captured whole
	local ph = pseudo_header(pinfo, len)
	if not ph then return nil end
	local sum = 0
	for i = 1, #ph - 1, 2 do
		sum = sum + ph:byte(i) * 256 + ph:byte(i + 1)
	end
	local words = math.floor(len / 2)
	for i = 0, words - 1 do
		sum = sum + tvb(i * 2, 2):uint()
		if sum > 0xffffff then sum = band(sum, 0xffff) + shr(sum, 16) end
	end
	if len % 2 == 1 then sum = sum + tvb(len - 1, 1):uint() * 256 end
	while sum > 0xffff do sum = band(sum, 0xffff) + shr(sum, 16) end
	return sum == 0xffff
end

local function has_signature(tvb)
	return tvb:len() >= 26 and tvb(12, 1):uint() == DOFF_BYTE and
		tvb(20, 1):uint() == OPT_KIND and tvb(21, 1):uint() == OPT_LEN and
		tvb(22, 2):uint() == OPT_EXID
end

local function is_ovnic(tvb)
	if tvb:len() < 4 then
		return false
	end
	local port = ovnic.prefs.port
	if tvb(2, 2):uint() == port or tvb(0, 2):uint() == port then
		return true
	end
	return ovnic.prefs.heuristic and has_signature(tvb)
end

-- ovnic_hdr_parse() of ovnic_proto.h: nil when valid, else the expert
-- and the receiver's drop counter.
local function check_header(h, payload)
	local doff = h.doff_byte
	local fl = h.th_flags
	if doff ~= DOFF_BYTE or band(fl, bnot(bor(TH_ACK, TH_PSH, TH_ECE, TH_CWR))) ~= 0 or
	    band(fl, TH_ACK) == 0 or h.kind ~= OPT_KIND or h.len ~= OPT_LEN or h.exid ~= OPT_EXID then
		return ef.shape, "rx_drop_bad_shape"
	end
	if h.version ~= WIRE_VERSION then
		return ef.version, "rx_drop_bad_version"
	end
	if band(h.flags, bnot(F_KNOWN)) ~= 0 then
		return ef.flags, "rx_drop_bad_flags"
	end
	if h.frame_len < ETH_HLEN or h.frame_len > FRAME_MAX or payload == 0 or
	    payload > h.frame_len or h.offset > h.frame_len - payload then
		return ef.length, "rx_drop_bad_length"
	end
	if band(h.flags, F_CSUM_PARTIAL) ~= 0 and
	    (h.l4_off < ETH_HLEN or h.l4_off + h.csum_off + 2 > h.frame_len) then
		return ef.offload, "rx_drop_bad_offload"
	end
	if band(h.flags, F_GSO) ~= 0 and (band(h.flags, F_CSUM_PARTIAL) == 0 or h.mss == 0 or
	    h.mss == 0xffff or h.csum_off ~= 16) then
		return ef.offload, "rx_drop_bad_offload"
	end
	return nil
end

-- Reassembly state: key "src|frame id|frame length" -> { pieces = {offset -> bytes},
-- have = n, frame_len = n, done = frame number }; done_in[frame number] = key.
local frames = {}
local done_in = {}
local done_data = {}

local function reasm_key(pinfo, h)
	return tostring(pinfo.src) .. "|" .. string.format("%08x", h.frame_id) .. "|" .. h.frame_len
end

-- Add a piece on the first pass; return the complete frame (ByteArray)
-- when this packet completed it (first pass or later ones).
local function reasm_add(pinfo, h, piece)
	local num = pinfo.number
	if pinfo.visited then
		return done_data[num]
	end
	local key = reasm_key(pinfo, h)
	local f = frames[key]
	if not f then
		f = { pieces = {}, n = 0 }
		frames[key] = f
	end
	if f.pieces[h.offset] then
		return nil
	end
	f.pieces[h.offset] = piece
	f.n = f.n + 1
	-- complete when the pieces cover [0, frame_len) end to end
	local pos = 0
	while pos < h.frame_len do
		local p = f.pieces[pos]
		if not p then return nil end
		pos = pos + p:len()
	end
	if pos ~= h.frame_len then return nil end
	local ba = ByteArray.new()
	pos = 0
	local count = 0
	while pos < h.frame_len do
		ba:append(f.pieces[pos])
		pos = pos + f.pieces[pos]:len()
		count = count + 1
	end
	frames[key] = nil
	done_data[num] = { data = ba, pieces = count }
	return done_data[num]
end

function ovnic.init()
	frames = {}
	done_in = {}
	done_data = {}
end

local function dissect_ovnic(tvb, pinfo, tree)
	local total = tvb:len()
	pinfo.cols.protocol = "OVNIC"
	local t = tree:add(ovnic, tvb(0, math.min(total, HDR_LEN)))

	if total < HDR_LEN then
		if total >= 2 then t:add(pf.srcport, tvb(0, 2)) end
		if total >= 4 then t:add(pf.dstport, tvb(2, 2)) end
		t:add_proto_expert_info(ef.short)
		t:add(pf.verdict, "rx_drop_short"):set_generated()
		pinfo.cols.info = string.format("ovnic truncated header (%d of %d bytes)", total, HDR_LEN)
		return total
	end

	local h = {
		sport = tvb(0, 2):uint(), dport = tvb(2, 2):uint(),
		seq = tvb(4, 4):uint(), frame_len = tvb(8, 4):uint(),
		doff_byte = tvb(12, 1):uint(), th_flags = tvb(13, 1):uint(),
		kind = tvb(20, 1):uint(), len = tvb(21, 1):uint(), exid = tvb(22, 2):uint(),
		version = shr(tvb(24, 1):uint(), 4), flags = band(tvb(24, 1):uint(), 0x0f),
		vni = tvb(25, 3):uint(), queue_hint = tvb(28, 1):uint(),
		l4_off = tvb(29, 1):uint(), mss = tvb(30, 2):uint(), csum_off = tvb(32, 1):uint(),
		frame_id_hi = tvb(34, 2):uint(),
	}
	h.offset = band(h.seq, 0xffff)
	h.frame_id = bor(shl(h.frame_id_hi, 16), shr(h.seq, 16))
	local reported = tvb:reported_length_remaining()
	local payload = reported - HDR_LEN

	t:add(pf.srcport, tvb(0, 2))
	t:add(pf.dstport, tvb(2, 2))
	local hp = t:add(pf.port, tvb(2, 2)); hp:set_hidden()
	hp = t:add(pf.port, tvb(0, 2)); hp:set_hidden()
	t:add(pf.frame_id_lo, tvb(4, 2))
	t:add(pf.offset, tvb(6, 2))
	t:add(pf.frame_len, tvb(8, 4))
	t:add(pf.doff, tvb(12, 1))
	t:add(pf.th_rsvd, tvb(12, 1))
	local ft = t:add(pf.th_flags, tvb(13, 1))
	for _, f in ipairs({ pf.th_cwr, pf.th_ece, pf.th_urg, pf.th_ack, pf.th_psh,
			     pf.th_rst, pf.th_syn, pf.th_fin }) do
		ft:add(f, tvb(13, 1))
	end
	t:add(pf.window, tvb(14, 2))
	local ct = t:add(pf.checksum, tvb(16, 2))
	t:add(pf.urg_ptr, tvb(18, 2))

	local ot = t:add(pf.opt, tvb(20, OPT_LEN))
	ot:set_text(string.format("ovnic option: version %d, VNI %d", h.version, h.vni))
	ot:add(pf.kind, tvb(20, 1))
	ot:add(pf.len, tvb(21, 1))
	ot:add(pf.exid, tvb(22, 2))
	ot:add(pf.version, tvb(24, 1))
	local flt = ot:add(pf.flags, tvb(24, 1))
	flt:add(pf.f_unknown, tvb(24, 1))
	flt:add(pf.f_gso, tvb(24, 1))
	flt:add(pf.f_csum, tvb(24, 1))
	flt:add(pf.f_class, tvb(24, 1))
	ot:add(pf.vni, tvb(25, 3))
	ot:add(pf.queue_hint, tvb(28, 1))
	ot:add(pf.inner_l4_off, tvb(29, 1))
	ot:add(pf.inner_mss, tvb(30, 2))
	ot:add(pf.csum_off, tvb(32, 1))
	ot:add(pf.rsvd0, tvb(33, 1))
	ot:add(pf.frame_id_hi, tvb(34, 2))
	ot:add(pf.rsvd1, tvb(36, 4))

	t:add(pf.frame_id, tvb(4, 2), h.frame_id):set_generated()
	t:add(pf.payload_len, payload):set_generated()
	local last = payload > 0 and h.offset + payload == h.frame_len
	t:add(pf.last, last):set_generated()

	local flag_names = {}
	if band(h.flags, F_CLASSIFIED) ~= 0 then flag_names[#flag_names + 1] = "C" end
	if band(h.flags, F_CSUM_PARTIAL) ~= 0 then flag_names[#flag_names + 1] = "P" end
	if band(h.flags, F_GSO) ~= 0 then flag_names[#flag_names + 1] = "G" end
	if band(h.flags, 0x8) ~= 0 then flag_names[#flag_names + 1] = "?" end
	local summary = string.format("ovnic v%d VNI %d frame 0x%08x off %d len %d/%d%s",
				      h.version, h.vni, h.frame_id, h.offset, payload,
				      h.frame_len, #flag_names > 0 and
				      (" [" .. table.concat(flag_names, "") .. "]") or "")
	t:append_text(string.format(", VNI %d, frame 0x%08x, offset %d, length %d",
				    h.vni, h.frame_id, h.offset, h.frame_len))

	local verdict = "ok"
	local e, reason = check_header(h, payload)
	if e then
		t:add_proto_expert_info(e)
		verdict = reason
	end
	if ovnic.prefs.check_checksum then
		local ok = csum_ok(tvb, pinfo)
		if ok == nil then
			t:add(pf.checksum_status, "unverified"):set_generated()
		elseif ok then
			t:add(pf.checksum_status, "good"):set_generated()
		else
			t:add(pf.checksum_status, "bad"):set_generated()
			ct:add_proto_expert_info(ef.csum)
			if verdict == "ok" then verdict = "rx_drop_bad_csum" end
		end
	end
	-- a bad checksum alone does not stop the decoding (captures taken on
	-- the sender hold checksums the NIC has not filled in yet)
	local header_ok = e == nil
	t:add(pf.verdict, verdict):set_generated()
	pinfo.cols.info = summary .. (verdict ~= "ok" and (" [" .. verdict .. "]") or "")

	if payload <= 0 or total <= HDR_LEN then
		return total
	end
	local ptvb = tvb(HDR_LEN):tvb()
	if not header_ok then
		t:add(pf.piece, ptvb())
		return total
	end
	if h.offset == 0 and payload == h.frame_len then
		eth_dissector:call(ptvb, pinfo, tree)
		return total
	end
	-- a piece of a larger frame
	t:add(pf.piece, ptvb()):set_text(string.format("Frame piece [%d, %d) of %d bytes",
						       h.offset, h.offset + payload, h.frame_len))
	local done = nil
	if ovnic.prefs.reassemble and ptvb:len() == payload then
		done = reasm_add(pinfo, h, ptvb:bytes())
	end
	if done then
		local rtvb = done.data:tvb("Reassembled ovnic frame")
		t:add(pf.pieces, done.pieces):set_generated()
		pinfo.cols.info = summary .. " [reassembled]"
		eth_dissector:call(rtvb, pinfo, tree)
	elseif h.offset == 0 then
		-- first piece: decode what it has of the inner frame
		eth_dissector:call(ptvb, pinfo, tree)
		pinfo.cols.info = summary .. " [first piece]"
	else
		pinfo.cols.info = summary .. " [piece]"
	end
	return total
end

function ovnic.dissector(tvb, pinfo, tree)
	if not is_ovnic(tvb) then
		return tcp_dissector:call(tvb, pinfo, tree)
	end
	return dissect_ovnic(tvb, pinfo, tree)
end

ip_proto:add(6, ovnic)
