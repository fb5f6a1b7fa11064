package dev.softswitch.gateway.registrar;

import dev.softswitch.gateway.time.Timeout;
import dev.softswitch.gateway.time.TimerService;
import dev.softswitch.gateway.transaction.ServerTransaction;
import gov.nist.javax.sip.address.AddressFactoryImpl;
import gov.nist.javax.sip.header.Contact;
import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import javax.sip.InvalidArgumentException;
import javax.sip.header.ContactHeader;
import javax.sip.message.Response;

/**
 * The registrar of RFC 3261 §10.3 for authenticated app clients: REGISTER binds (or refreshes, or
 * removes) the account's contacts, each until its expiry, and the 200 OK lists every current binding
 * with what is left of it. Bounded: a few contacts per account (the oldest goes) and a cap on all
 * bindings (a new account's REGISTER is then answered 503). The bindings are where calls to app users
 * will be delivered; today the gateway only places outgoing calls. SIP core thread.
 */
public final class Registrar {

    /** Shortest registration accepted (RFC 3261 §10.3 step 7: 423 Interval Too Brief below it). */
    public static final Duration MIN_EXPIRES = Duration.ofSeconds(60);
    /** Longest registration granted; a longer request is shortened to it. */
    public static final Duration MAX_EXPIRES = Duration.ofHours(1);
    static final Duration DEFAULT_EXPIRES = Duration.ofHours(1);
    static final int CONTACTS_PER_ACCOUNT = 5;

    private static final HeaderFactoryImpl HEADERS = new HeaderFactoryImpl();
    private static final AddressFactoryImpl ADDRESSES = new AddressFactoryImpl();

    private record Binding(String uri, Instant expires, Timeout timeout) {
    }

    private final TimerService timers;
    private final int maxBindings;
    private final Map<String, LinkedHashMap<String, Binding>> byAccount = new HashMap<>();
    private int bindings;

    public Registrar(TimerService timers, int maxBindings) {
        this.timers = timers;
        this.maxBindings = maxBindings;
    }

    /** Bindings held now, over all accounts. */
    public int bindings() {
        return bindings;
    }

    /** The contacts {@code account} is reachable at now, most recent last. */
    public List<String> contacts(String account) {
        Map<String, Binding> b = byAccount.get(account);
        return b == null ? List.of() : List.copyOf(b.keySet());
    }

    /** Applies {@code tx}'s REGISTER for {@code account} (already authenticated) and answers it. */
    public void register(ServerTransaction tx, String account) {
        SIPRequest request = tx.request();
        List<Contact> contacts = contacts(request);
        int requestExpires = request.getExpires() == null ? -1 : request.getExpires().getExpires();
        try {
            if (contacts.stream().anyMatch(Contact::isWildCard)) {
                // RFC 3261 §10.3 step 6: "*" only alone and with Expires: 0; it removes every binding.
                if (contacts.size() != 1 || requestExpires != 0) {
                    tx.respond(request.createResponse(Response.BAD_REQUEST, "Bad Request: Contact * needs Expires: 0"));
                    return;
                }
                removeAll(account);
                tx.respond(ok(request, account));
                return;
            }
            for (Contact c : contacts) {
                long seconds = c.getContactParms().getValue("expires") != null ? c.getExpires()
                        : requestExpires >= 0 ? requestExpires : DEFAULT_EXPIRES.toSeconds();
                if (seconds != 0 && seconds < MIN_EXPIRES.toSeconds()) {
                    SIPResponse brief = request.createResponse(Response.INTERVAL_TOO_BRIEF, "Interval Too Brief");
                    brief.addHeader(HEADERS.createMinExpiresHeader((int) MIN_EXPIRES.toSeconds()));
                    tx.respond(brief);
                    return;
                }
            }
            if (!byAccount.containsKey(account) && bindings >= maxBindings && !contacts.isEmpty()) {
                SIPResponse full = request.createResponse(Response.SERVICE_UNAVAILABLE, "Registrar Full");
                full.addHeader(HEADERS.createRetryAfterHeader(60));
                tx.respond(full);
                return;
            }
            for (Contact c : contacts) {
                long seconds = c.getContactParms().getValue("expires") != null ? c.getExpires()
                        : requestExpires >= 0 ? requestExpires : DEFAULT_EXPIRES.toSeconds();
                String uri = c.getAddress().getURI().toString();
                if (seconds == 0) {
                    remove(account, uri);
                } else {
                    bind(account, uri, Duration.ofSeconds(Math.min(seconds, MAX_EXPIRES.toSeconds())));
                }
            }
            tx.respond(ok(request, account));
        } catch (ParseException | InvalidArgumentException e) {
            tx.respond(request.createResponse(Response.BAD_REQUEST, "Bad Request: " + e.getMessage()));
        }
    }

    private void bind(String account, String uri, Duration lifetime) {
        remove(account, uri);
        LinkedHashMap<String, Binding> b = byAccount.computeIfAbsent(account, a -> new LinkedHashMap<>());
        if (b.size() >= CONTACTS_PER_ACCOUNT) {
            remove(account, b.keySet().iterator().next());
            b = byAccount.computeIfAbsent(account, a -> new LinkedHashMap<>());
        }
        Instant expires = timers.now().plus(lifetime);
        Timeout timeout = timers.scheduleAt(expires, () -> remove(account, uri));
        b.put(uri, new Binding(uri, expires, timeout));
        bindings++;
    }

    private void remove(String account, String uri) {
        Map<String, Binding> b = byAccount.get(account);
        if (b == null) {
            return;
        }
        Binding gone = b.remove(uri);
        if (gone != null) {
            gone.timeout().cancel();
            bindings--;
        }
        if (b.isEmpty()) {
            byAccount.remove(account);
        }
    }

    private void removeAll(String account) {
        for (String uri : contacts(account)) {
            remove(account, uri);
        }
    }

    private SIPResponse ok(SIPRequest request, String account) throws ParseException, InvalidArgumentException {
        SIPResponse ok = request.createResponse(Response.OK);
        Map<String, Binding> b = byAccount.getOrDefault(account, new LinkedHashMap<>());
        Instant now = timers.now();
        for (Binding binding : b.values()) {
            ContactHeader contact = HEADERS.createContactHeader(
                    ADDRESSES.createAddress(binding.uri()));
            contact.setExpires((int) Math.max(0, Duration.between(now, binding.expires()).toSeconds()));
            ok.addHeader(contact);
        }
        return ok;
    }

    private static List<Contact> contacts(SIPRequest request) {
        List<Contact> list = new ArrayList<>();
        ListIterator<?> it = request.getHeaders(ContactHeader.NAME);
        while (it != null && it.hasNext()) {
            Object next = it.next();
            if (next instanceof Contact c) {
                list.add(c);
            }
        }
        return list;
    }
}
