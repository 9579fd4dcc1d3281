package io.meshport.client;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Objects;

/**
 * The invocation handler behind {@link MeshportClient#service(String, Class)}: methods of the
 * interface become calls; {@code equals}, {@code hashCode} and {@code toString} stay local (a proxy
 * is equal to another proxy of the same client, service and interface); default methods run locally.
 */
final class ServiceProxy implements InvocationHandler {
    private final MeshportClient client;
    private final String name;
    private final Class<?> type;
    private final Duration timeout;

    private ServiceProxy(MeshportClient client, String name, Class<?> type, Duration timeout) {
        this.client = client;
        this.name = name;
        this.type = type;
        this.timeout = timeout;
    }

    static <T> T create(MeshportClient client, String name, Class<T> type, Duration timeout) {
        Objects.requireNonNull(name, "name");
        if (!type.isInterface()) {
            throw new IllegalArgumentException(type.getName() + " is not an interface; proxies are made of the interfaces services are exported with");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the timeout must be positive, not " + timeout);
        }
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                new ServiceProxy(client, name, type, timeout)));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            switch (method.getName()) {
                case "equals":
                    Object other = args[0];
                    return other != null && Proxy.isProxyClass(other.getClass())
                            && Proxy.getInvocationHandler(other) instanceof ServiceProxy && same((ServiceProxy) Proxy.getInvocationHandler(other));
                case "hashCode":
                    return Objects.hash(System.identityHashCode(client), name, type.getName());
                default:
                    return toString();
            }
        }
        if (method.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        boolean none = method.getReturnType() == void.class;
        Object result = client.await(client.callAsync(name, method.getName(), args, none ? Object.class : method.getGenericReturnType()),
                timeout);
        return none ? null : result;
    }

    private boolean same(ServiceProxy o) {
        return o.client == client && o.name.equals(name) && o.type == type;
    }

    @Override
    public String toString() {
        return type.getSimpleName() + " '" + name + "' at " + client.options().host() + ":" + client.options().port();
    }
}
