using System.Net.Sockets;
using CniBox.Netlink.Addresses;
using CniBox.Netlink.Codec;
using CniBox.Netlink.Links;
using CniBox.Netlink.Socket;
using static CniBox.Netlink.Constants.Errno;
using static CniBox.Netlink.Constants.Ifa;
using static CniBox.Netlink.Constants.Rtm;

namespace CniBox.Netlink.Rtnl;

/// <summary>
/// Waiting for kernel state without sleeps: the state is read once, and only when it is not reached yet
/// does a second socket join the multicast group, then the state is read again, then each notification
/// about the link triggers a fresh read until the state is reached. Joining before that second read means
/// no change can slip between the read and the wait; the first read spares the event socket (a setns
/// round, socket, bind, join) in the usual case where the state is already there.
/// </summary>
public sealed partial class RtnlHandle
{
    /// <summary>
    /// Returns once the link's IFLA_OPERSTATE is IF_OPER_UP (for a veth: both ends up), like the bridge
    /// plugin's wait for the host port, but driven by RTNLGRP_LINK events.
    /// </summary>
    /// <exception cref="TimeoutException">Not up within <paramref name="timeout"/>; the message has the last state.</exception>
    /// <exception cref="NetlinkException">The link does not exist (ENODEV) or vanished meanwhile.</exception>
    public LinkInfo WaitForOperUp(int index, TimeSpan timeout)
    {
        string operation = $"wait for #{index} oper up";
        LinkInfo first = GetLink(index) ?? throw new NetlinkException(ENODEV, operation, "link does not exist");
        if (first.OperState == OperState.Up)
            return first;
        using NetlinkSocket events = NetlinkSocket.OpenIn(Namespace);
        events.AddMembership(RTNLGRP_LINK);
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            LinkInfo link = GetLink(index) ?? throw new NetlinkException(ENODEV, operation, "link does not exist");
            if (link.OperState == OperState.Up)
                return link;
            if (!WaitForEvent(events, deadline, operation, (in NetlinkMessage m) =>
                    m.Type is RTM_NEWLINK or RTM_DELLINK && m.ReadStruct<IfInfoMsg>().ifi_index == index))
                throw new TimeoutException(
                    $"link {link.Name} (#{index}) is not operationally up after {timeout.TotalMilliseconds:0} ms (state {link.OperState})");
        }
    }

    /// <summary>
    /// Returns once no IPv6 address on the link is IFA_F_TENTATIVE, following RTNLGRP_IPV6_IFADDR events
    /// (pkg/ip SettleAddresses polls every 50 ms instead). DAD only runs while the link is up with carrier.
    /// </summary>
    /// <exception cref="DadFailedException">An address got IFA_F_DADFAILED.</exception>
    /// <exception cref="TimeoutException">Still tentative after <paramref name="timeout"/>.</exception>
    public void WaitForDad(int index, TimeSpan timeout)
    {
        string operation = $"wait for DAD on #{index}";
        if (FindTentative(index) is null)
            return;
        using NetlinkSocket events = NetlinkSocket.OpenIn(Namespace);
        events.AddMembership(RTNLGRP_IPV6_IFADDR);
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            AddrInfo? tentative = FindTentative(index);
            if (tentative is null)
                return;
            if (!WaitForEvent(events, deadline, operation, (in NetlinkMessage m) =>
                    m.Type is RTM_NEWADDR or RTM_DELADDR && m.ReadStruct<IfAddrMsg>().ifa_index == (uint)index))
                throw new TimeoutException(
                    $"link #{index} still has tentative address {tentative.Address} after {timeout.TotalMilliseconds:0} ms");
        }
    }

    /// <summary>The first IPv6 address of the link still doing DAD, or null; DADFAILED on any throws.</summary>
    private AddrInfo? FindTentative(int index)
    {
        AddrInfo? tentative = null;
        foreach (AddrInfo a in DumpAddresses(AddressFamily.InterNetworkV6, index))
        {
            if ((a.Flags & IFA_F_DADFAILED) != 0)
                throw new DadFailedException(index, a.Address);
            if ((a.Flags & IFA_F_TENTATIVE) != 0)
                tentative ??= a;
        }
        return tentative;
    }

    private delegate bool EventFilter(in NetlinkMessage message);

    /// <summary>True when a matching event arrived (or events were lost, so the state must be re-read); false at the deadline.</summary>
    private static bool WaitForEvent(NetlinkSocket events, long deadline, string operation, EventFilter relevant)
    {
        while (true)
        {
            long remaining = deadline - Environment.TickCount64;
            if (remaining <= 0)
                return false;
            bool matched = false;
            try
            {
                if (!events.ReceiveEvents(TimeSpan.FromMilliseconds(remaining), (in NetlinkMessage m) => matched |= relevant(in m), operation))
                    return false;
            }
            catch (NetlinkException e) when (e.Errno == ENOBUFS)
            {
                return true;
            }
            if (matched)
                return true;
        }
    }
}
