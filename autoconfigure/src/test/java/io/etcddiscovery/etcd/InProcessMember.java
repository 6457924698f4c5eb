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

package io.etcddiscovery.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;

/**
 * An etcd member as far as the failover sees one: a real gRPC server, in process, serving
 * etcd's {@code Maintenance.Status}, {@code Watch.Watch} and
 * {@code Lease.LeaseKeepAlive}, whose answers the test gives, or does not give, one by
 * one.
 *
 * @author etcd-discovery authors
 */
final class InProcessMember implements AutoCloseable {

	private static final long WAIT_SECONDS = 10;

	private final String name = InProcessServerBuilder.generateName();

	private final BlockingQueue<StreamObserver<StatusResponse>> statusCalls = new LinkedBlockingQueue<>();

	private final List<Deadline> statusDeadlines = new CopyOnWriteArrayList<>();

	private final BlockingQueue<Stream<WatchRequest, WatchResponse>> watches = new LinkedBlockingQueue<>();

	private final BlockingQueue<Stream<LeaseKeepAliveRequest, LeaseKeepAliveResponse>> keepAlives = new LinkedBlockingQueue<>();

	private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();

	private final Server server;

	InProcessMember() {
		try {
			this.server = InProcessServerBuilder.forName(this.name)
				.directExecutor()
				.addService(new Maintenance())
				.addService(new Watch())
				.addService(new Lease())
				.build()
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Return a new channel to this member, closed with it.
	 * @param interceptors the channel's interceptors
	 * @return the channel
	 */
	ManagedChannel channel(ClientInterceptor... interceptors) {
		ManagedChannel channel = InProcessChannelBuilder.forName(this.name)
			.directExecutor()
			.intercept(interceptors)
			.build();
		this.channels.add(channel);
		return channel;
	}

	/**
	 * Answer the next {@code Status} request with the given status.
	 * @param status {@code OK} for a status response, or the error to answer with
	 */
	void answerStatus(Status status) {
		StreamObserver<StatusResponse> call = awaitStatusCall();
		if (status.isOk()) {
			call.onNext(StatusResponse.newBuilder().setVersion("3.5.16").build());
			call.onCompleted();
		}
		else {
			call.onError(status.asRuntimeException());
		}
	}

	/**
	 * Return the next {@code Status} request, unanswered.
	 * @return the call's response observer
	 */
	StreamObserver<StatusResponse> awaitStatusCall() {
		return take(this.statusCalls, "a Status request");
	}

	/**
	 * Return the deadlines of the {@code Status} requests this member received.
	 * @return the deadlines, in order
	 */
	List<Deadline> statusDeadlines() {
		return List.copyOf(this.statusDeadlines);
	}

	/**
	 * Return the {@code Status} requests waiting for an answer.
	 * @return their number
	 */
	int statusCallsWaiting() {
		return this.statusCalls.size();
	}

	/**
	 * Return the next watch stream opened to this member.
	 * @return the stream
	 */
	Stream<WatchRequest, WatchResponse> awaitWatch() {
		return take(this.watches, "a watch stream");
	}

	/**
	 * Return the next keep-alive stream opened to this member.
	 * @return the stream
	 */
	Stream<LeaseKeepAliveRequest, LeaseKeepAliveResponse> awaitKeepAlive() {
		return take(this.keepAlives, "a keep-alive stream");
	}

	/**
	 * Stop serving: connections are refused from now on.
	 */
	void stop() {
		this.server.shutdownNow();
	}

	@Override
	public void close() {
		this.channels.forEach(ManagedChannel::shutdownNow);
		this.server.shutdownNow();
	}

	private static <T> T take(BlockingQueue<T> queue, String what) {
		try {
			T next = queue.poll(WAIT_SECONDS, TimeUnit.SECONDS);
			if (next == null) {
				throw new AssertionError("The member received no " + what);
			}
			return next;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	/**
	 * One bidirectional stream, server side.
	 *
	 * @param <Q> the requests
	 * @param <R> the responses
	 */
	static final class Stream<Q, R> implements StreamObserver<Q> {

		private final BlockingQueue<Q> requests = new LinkedBlockingQueue<>();

		private final StreamObserver<R> responses;

		private volatile boolean closed;

		Stream(StreamObserver<R> responses) {
			this.responses = responses;
		}

		/**
		 * Return the next request the client sent on this stream.
		 * @return the request
		 */
		Q awaitRequest() {
			return take(this.requests, "request on the stream");
		}

		/**
		 * Return whether a request is waiting.
		 * @return whether the client sent a request not taken yet
		 */
		boolean hasRequest() {
			return !this.requests.isEmpty();
		}

		/**
		 * Send a response to the client.
		 * @param response the response
		 */
		void send(R response) {
			this.responses.onNext(response);
		}

		boolean isClosed() {
			return this.closed;
		}

		@Override
		public void onNext(Q request) {
			this.requests.add(request);
		}

		@Override
		public void onError(Throwable error) {
			this.closed = true;
		}

		@Override
		public void onCompleted() {
			this.closed = true;
		}

	}

	private final class Maintenance extends MaintenanceGrpc.MaintenanceImplBase {

		@Override
		public void status(StatusRequest request, StreamObserver<StatusResponse> responseObserver) {
			Deadline deadline = Context.current().getDeadline();
			if (deadline != null) {
				InProcessMember.this.statusDeadlines.add(deadline);
			}
			InProcessMember.this.statusCalls.add(responseObserver);
		}

	}

	private final class Watch extends WatchGrpc.WatchImplBase {

		@Override
		public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> responseObserver) {
			Stream<WatchRequest, WatchResponse> stream = new Stream<>(responseObserver);
			InProcessMember.this.watches.add(stream);
			return stream;
		}

	}

	private final class Lease extends LeaseGrpc.LeaseImplBase {

		@Override
		public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(
				StreamObserver<LeaseKeepAliveResponse> responseObserver) {
			Stream<LeaseKeepAliveRequest, LeaseKeepAliveResponse> stream = new Stream<>(responseObserver);
			InProcessMember.this.keepAlives.add(stream);
			return stream;
		}

	}

}
