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

package io.etcddiscovery.registration;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import org.jspecify.annotations.Nullable;

/**
 * What a test sees of etcd, through its own client: keys, values and leases.
 *
 * @author etcd-discovery authors
 */
public final class EtcdInspector implements AutoCloseable {

	private final Client client;

	public EtcdInspector(List<String> endpoints) {
		this.client = Client.builder().endpoints(endpoints.toArray(String[]::new)).build();
	}

	public Client client() {
		return this.client;
	}

	public List<KeyValue> keys(String prefix) {
		return get(this.client.getKVClient().get(bytes(prefix), GetOption.builder().isPrefix(true).build())).getKvs();
	}

	/**
	 * The revision etcd is at now: a watch from the revision after it sees every later
	 * change, however late its stream is created.
	 */
	public long revision() {
		return get(this.client.getKVClient().get(bytes("\0"))).getHeader().getRevision();
	}

	public @Nullable KeyValue key(String key) {
		List<KeyValue> kvs = get(this.client.getKVClient().get(bytes(key))).getKvs();
		return kvs.isEmpty() ? null : kvs.get(0);
	}

	public @Nullable String value(String key) {
		KeyValue kv = key(key);
		return (kv != null) ? kv.getValue().toString(StandardCharsets.UTF_8) : null;
	}

	public long leaseTtl(long leaseId) {
		return get(this.client.getLeaseClient().timeToLive(leaseId, LeaseOption.DEFAULT)).getTTL();
	}

	public boolean isLeaseAlive(long leaseId) {
		return leaseTtl(leaseId) > 0;
	}

	public long grant(long ttlSeconds) {
		return get(this.client.getLeaseClient().grant(ttlSeconds)).getID();
	}

	public void revoke(long leaseId) {
		get(this.client.getLeaseClient().revoke(leaseId));
	}

	public void put(String key, String value, long leaseId) {
		get(this.client.getKVClient().put(bytes(key), bytes(value), PutOption.builder().withLeaseId(leaseId).build()));
	}

	public void delete(String key) {
		get(this.client.getKVClient().delete(bytes(key)));
	}

	private static ByteSequence bytes(String value) {
		return ByteSequence.from(value, StandardCharsets.UTF_8);
	}

	private static <T> T get(java.util.concurrent.CompletableFuture<T> future) {
		try {
			return future.get(5, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.client.close();
	}

}
