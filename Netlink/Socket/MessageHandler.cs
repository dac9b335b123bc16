using CniBox.Netlink.Codec;

namespace CniBox.Netlink.Socket;

/// <summary>Receives each data message of a reply; the span dies when the call returns.</summary>
public delegate void MessageHandler(in NetlinkMessage message);
