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

package io.etcddiscovery.discovery;

import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.etcd.jetcd.Auth;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Cluster;
import io.etcd.jetcd.Election;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.Lock;
import io.etcd.jetcd.Maintenance;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.impl.AbstractResponse;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;

/**
 * A real jetcd {@link Client} whose watches can deliver again what etcd delivered, as
 * jetcd may when it resumes a watch: every call goes to etcd, and {@link #redeliver()}
 * hands the events each watch received to its listener once more, under the header of the
 * latest response (a resumed watch answers at etcd's current revision).
 *
 * @author etcd-discovery authors
 */
final class RedeliveringClient implements Client {

	private final Client client;

	private final List<Delivered> watches = new CopyOnWriteArrayList<>();

	private final Watch watch;

	RedeliveringClient(Client client) {
		this.client = client;
		Watch real = client.getWatchClient();
		this.watch = new Watch() {

			@Override
			public Watcher watch(ByteSequence key, WatchOption option, Listener listener) {
				Delivered delivered = new Delivered(listener);
				RedeliveringClient.this.watches.add(delivered);
				return real.watch(key, option, delivered);
			}

			@Override
			public void requestProgress() {
				real.requestProgress();
			}

			@Override
			public void close() {
				real.close();
			}

		};
	}

	/**
	 * Deliver to each watch's listener again the responses it received.
	 */
	void redeliver() {
		for (Delivered delivered : this.watches) {
			List<io.etcd.jetcd.api.WatchResponse> responses = delivered.responses.stream()
				.map(RedeliveringClient::proto)
				.toList();
			long current = responses.stream()
				.mapToLong((response) -> response.getHeader().getRevision())
				.max()
				.orElse(0);
			for (io.etcd.jetcd.api.WatchResponse response : responses) {
				delivered.listener.onNext(new WatchResponse(
						response.toBuilder().setHeader(response.getHeader().toBuilder().setRevision(current)).build()));
			}
		}
	}

	private static io.etcd.jetcd.api.WatchResponse proto(WatchResponse response) {
		try {
			Method getResponse = AbstractResponse.class.getDeclaredMethod("getResponse");
			getResponse.setAccessible(true);
			return (io.etcd.jetcd.api.WatchResponse) getResponse.invoke(response);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public Watch getWatchClient() {
		return this.watch;
	}

	@Override
	public Auth getAuthClient() {
		return this.client.getAuthClient();
	}

	@Override
	public KV getKVClient() {
		return this.client.getKVClient();
	}

	@Override
	public Cluster getClusterClient() {
		return this.client.getClusterClient();
	}

	@Override
	public Maintenance getMaintenanceClient() {
		return this.client.getMaintenanceClient();
	}

	@Override
	public Lease getLeaseClient() {
		return this.client.getLeaseClient();
	}

	@Override
	public Lock getLockClient() {
		return this.client.getLockClient();
	}

	@Override
	public Election getElectionClient() {
		return this.client.getElectionClient();
	}

	@Override
	public void close() {
		this.client.close();
	}

	/**
	 * Records what a listener received, with events.
	 */
	private static final class Delivered implements Watch.Listener {

		private final Watch.Listener listener;

		private final List<WatchResponse> responses = new CopyOnWriteArrayList<>();

		Delivered(Watch.Listener listener) {
			this.listener = listener;
		}

		@Override
		public void onNext(WatchResponse response) {
			if (!response.getEvents().isEmpty()) {
				this.responses.add(response);
			}
			this.listener.onNext(response);
		}

		@Override
		public void onError(Throwable throwable) {
			this.listener.onError(throwable);
		}

		@Override
		public void onCompleted() {
			this.listener.onCompleted();
		}

	}

}
