/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package io.etcddiscovery.grpc;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.List;

import io.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Resolves gRPC targets {@code discovery:///<service>} to the instances of the service
 * registered in etcd, from the local cache: the addresses follow every change, without
 * polling. Lookups return only UP instances unless
 * {@code discovery.client.only-up=false}. <pre class="code">
 * ManagedChannel channel = ManagedChannelBuilder.forTarget("discovery:///orders")
 *     .defaultLoadBalancingPolicy("round_robin")
 *     .usePlaintext()
 *     .build();
 * </pre>
 *
 * @author etcd-discovery authors
 */
public class EtcdNameResolverProvider extends NameResolverProvider {

	/**
	 * The scheme of the targets this provider resolves.
	 */
	public static final String SCHEME = "discovery";

	private final EtcdDiscoveryClient discovery;

	/**
	 * Create a new provider.
	 * @param discovery the discovery client to read from
	 */
	public EtcdNameResolverProvider(EtcdDiscoveryClient discovery) {
		Assert.notNull(discovery, "'discovery' must not be null");
		this.discovery = discovery;
	}

	@Override
	public @Nullable NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
		if (!SCHEME.equals(targetUri.getScheme())) {
			return null;
		}
		String path = targetUri.getPath();
		boolean valid = (targetUri.getAuthority() == null || targetUri.getAuthority().isEmpty()) && path != null
				&& path.length() > 1 && path.indexOf('/', 1) == -1;
		Assert.isTrue(valid, () -> "Target '%s' must be of the form %s:///<service>".formatted(targetUri, SCHEME));
		return new EtcdNameResolver(this.discovery, path.substring(1), args.getSynchronizationContext(),
				args.getOffloadExecutor());
	}

	@Override
	public String getDefaultScheme() {
		return SCHEME;
	}

	@Override
	protected boolean isAvailable() {
		return true;
	}

	@Override
	protected int priority() {
		// gRPC's default priority: this scheme is not claimed by any built-in provider.
		return 5;
	}

	@Override
	public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
		return List.of(InetSocketAddress.class);
	}

}
