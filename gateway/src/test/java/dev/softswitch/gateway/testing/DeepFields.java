package dev.softswitch.gateway.testing;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares two JAIN-SIP object graphs field by field, private fields and inherited ones included
 * (JAIN-SIP's own {@code equals} compares headers loosely and stops at the first identical field).
 * Answers the path of the first difference, or null when there is none.
 */
public final class DeepFields {

    private final IdentityHashMap<Object, Object> seen = new IdentityHashMap<>();

    private DeepFields() {
    }

    public static String difference(Object a, Object b) {
        return new DeepFields().diff(a, b, a == null ? "null" : a.getClass().getSimpleName());
    }

    private String diff(Object a, Object b, String path) {
        if (a == b) {
            return null;
        }
        if (a == null || b == null) {
            return path + ": " + a + " vs " + b;
        }
        if (a.getClass() != b.getClass()) {
            return path + ": " + a.getClass().getName() + " vs " + b.getClass().getName();
        }
        if (seen.put(a, b) != null) {
            return null;
        }
        Class<?> type = a.getClass();
        if (type.isArray()) {
            if (Array.getLength(a) != Array.getLength(b)) {
                return path + ": length " + Array.getLength(a) + " vs " + Array.getLength(b);
            }
            for (int k = 0; k < Array.getLength(a); k++) {
                String d = diff(Array.get(a, k), Array.get(b, k), path + "[" + k + "]");
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (a instanceof Map<?, ?> m && b instanceof Map<?, ?> n) {
            if (!m.keySet().equals(n.keySet())) {
                return path + ": keys " + m.keySet() + " vs " + n.keySet();
            }
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String d = diff(e.getValue(), n.get(e.getKey()), path + "{" + e.getKey() + "}");
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (a instanceof Collection<?> c && b instanceof Collection<?> d) {
            if (c.size() != d.size()) {
                return path + ": size " + c.size() + " vs " + d.size();
            }
            Iterator<?> x = c.iterator();
            Iterator<?> y = d.iterator();
            for (int k = 0; x.hasNext(); k++) {
                String f = diff(x.next(), y.next(), path + "[" + k + "]");
                if (f != null) {
                    return f;
                }
            }
            return null;
        }
        if (a instanceof Calendar c && b instanceof Calendar d) {
            // A Date header's calendar takes its milliseconds from the clock at parse time.
            return c.getTimeInMillis() / 1000 == d.getTimeInMillis() / 1000 ? null : path + ": " + c + " vs " + d;
        }
        String name = type.getName();
        if (!name.startsWith("gov.nist.") && !name.startsWith("javax.sip.")) {
            return Objects.equals(a, b) ? null : path + ": " + a + " vs " + b;
        }
        for (Field field : fields(type)) {
            try {
                String d = diff(field.get(a), field.get(b), path + "." + field.getName());
                if (d != null) {
                    return d;
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return null;
    }

    private static List<Field> fields(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    f.setAccessible(true);
                    fields.add(f);
                }
            }
        }
        return fields;
    }
}
