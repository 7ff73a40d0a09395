package dev.tollgate.gateway;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** Classification of IP addresses the gateway and webhook deliveries may connect to. */
public final class PublicAddresses {
    private PublicAddresses() {
    }

    /**
     * Returns whether {@code address} is a public unicast address: not loopback, private
     * (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16 with the cloud metadata
     * address, fe80::/10), carrier-grade NAT (100.64/10), unspecified, benchmarking (198.18/15),
     * reserved (0/8, 240/4) or multicast.
     */
    public static boolean isPublic(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address) {
            return isPublicV6(bytes);
        }
        return address instanceof Inet4Address && isPublicV4(bytes);
    }

    private static boolean isPublicV4(byte[] b) {
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        return !(first == 0 || first == 10 || first == 127 || first >= 224
                || (first == 100 && second >= 64 && second <= 127)
                || (first == 169 && second == 254)
                || (first == 172 && second >= 16 && second <= 31)
                || (first == 192 && second == 168)
                || (first == 192 && second == 0 && (b[2] & 0xff) == 0)
                || (first == 198 && (second == 18 || second == 19)));
    }

    private static boolean isPublicV6(byte[] b) {
        if ((b[0] & 0xfe) == 0xfc || ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80)) {
            return false;
        }
        boolean mappedV4 = Arrays.equals(Arrays.copyOf(b, 10), new byte[10])
                && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        if (mappedV4) {
            try {
                return isPublic(InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16)));
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return true;
    }
}
