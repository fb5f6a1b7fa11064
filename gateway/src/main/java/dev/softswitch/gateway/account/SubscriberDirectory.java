package dev.softswitch.gateway.account;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The subscribers the gateway serves, by account id; immutable, replaced whole on reload. */
public final class SubscriberDirectory {

    private final Map<String, Subscriber> byId;

    public SubscriberDirectory(List<Subscriber> subscribers) {
        this.byId = subscribers.stream().collect(Collectors.toUnmodifiableMap(Subscriber::id, Function.identity()));
    }

    public Optional<Subscriber> find(String accountId) {
        return Optional.ofNullable(byId.get(accountId));
    }

    public int size() {
        return byId.size();
    }
}
